using System.Text.Json.Serialization;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Reports;

[JsonConverter(typeof(JsonStringEnumConverter<AssetKind>))]
public enum AssetKind
{
    [JsonStringEnumMemberName("unknown")] Unknown,
    [JsonStringEnumMemberName("video")] Video,
    [JsonStringEnumMemberName("image")] Image,
    [JsonStringEnumMemberName("audio")] Audio,
}

[JsonConverter(typeof(JsonStringEnumConverter<Verdict>))]
public enum Verdict
{
    [JsonStringEnumMemberName("pass")] Pass,
    [JsonStringEnumMemberName("fail")] Fail,
}

/// <summary>What the bytes really are, and why we think so.</summary>
public sealed record DetectedFormat(string Format, string Mime, string Basis)
{
    public static DetectedFormat From(SniffResult sniff) => new(sniff.Format, sniff.Mime, sniff.Basis);
}

/// <summary>Media facts as displayed (width/height after rotation). Null = not applicable or unknown.</summary>
public sealed record MediaFacts
{
    public int? Width { get; init; }
    public int? Height { get; init; }
    public double? DurationSeconds { get; init; }
    public string? VideoCodec { get; init; }
    public string? AudioCodec { get; init; }
    public double? FrameRate { get; init; }
    public int? SampleRate { get; init; }
    public int? Channels { get; init; }
    public int? BitDepth { get; init; }
    public int? Rotation { get; init; }

    public static readonly MediaFacts Empty = new();

    /// <summary>These facts, with what they leave unknown filled from <paramref name="other"/>.</summary>
    public MediaFacts OrElse(MediaFacts other) => new()
    {
        Width = Width ?? other.Width,
        Height = Height ?? other.Height,
        DurationSeconds = DurationSeconds ?? other.DurationSeconds,
        VideoCodec = VideoCodec ?? other.VideoCodec,
        AudioCodec = AudioCodec ?? other.AudioCodec,
        FrameRate = FrameRate ?? other.FrameRate,
        SampleRate = SampleRate ?? other.SampleRate,
        Channels = Channels ?? other.Channels,
        BitDepth = BitDepth ?? other.BitDepth,
        Rotation = Rotation ?? other.Rotation,
    };
}

/// <summary>Where a URL asset came from (HTTP preflight only).</summary>
public sealed record UrlSource(
    string Url,
    string? FinalUrl,
    int? HttpStatus,
    string? ContentType,
    long? ContentLength,
    int Redirects)
{
    /// <summary>Body bytes received over every request (set, like the next two, once the server served a byte range).</summary>
    public long? BytesFetched { get; init; }

    /// <summary>Requests that asked for a byte range (the first one included).</summary>
    public int? RangeRequests { get; init; }

    /// <summary>Whether the whole body was read; false = only what the quick check needs (no <c>sha256</c> then).</summary>
    public bool? Complete { get; init; }
}

/// <summary>Where a passing file was staged (staging only).</summary>
public sealed record StagedInfo(
    string Url,
    string BlobName,
    string Sha256,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DateTimeOffset? ExpiresAt,
    bool AlreadyExisted);

/// <summary>The report for one file: the product.</summary>
public sealed record FileReport
{
    public required string Path { get; init; }
    public required AssetKind Kind { get; init; }
    public required Verdict Verdict { get; init; }
    public long SizeBytes { get; init; }
    public string? Sha256 { get; init; }
    public DetectedFormat? Detected { get; init; }
    public MediaFacts? Media { get; init; }
    public IReadOnlyList<Finding> Findings { get; init; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public UrlSource? Source { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public StagedInfo? Staged { get; init; }

    /// <summary>Only when asked for (<c>?previews=true</c>, <c>--format html</c>); see <see cref="Previews.PreviewInfo"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Previews.PreviewInfo? Preview { get; init; }

    /// <summary>What <c>preflight fix</c> / <c>/v1/fix/*</c> did with the file; absent from check reports.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Remediation.FixInfo? Fix { get; init; }

    /// <summary><c>true</c> when the report came from a verdict cache instead of a new inspection; omitted otherwise.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Cached { get; init; }

    public static Verdict VerdictOf(IEnumerable<Finding> findings) =>
        findings.Any(f => f.Severity == Severity.Error) ? Verdict.Fail : Verdict.Pass;

    /// <summary>The report of one inspected file: the verdict follows from <paramref name="findings"/>.</summary>
    public static FileReport Of(string path, AssetKind kind, SniffResult sniff, long sizeBytes, string? sha256, MediaFacts? media, List<Finding> findings) => new()
    {
        Path = path,
        Kind = kind,
        Verdict = VerdictOf(findings),
        SizeBytes = sizeBytes,
        Sha256 = sha256,
        Detected = DetectedFormat.From(sniff),
        Media = media,
        Findings = findings,
    };

    /// <summary>Returns a copy with more findings, the verdict recomputed.</summary>
    public FileReport WithFindings(IEnumerable<Finding> more)
    {
        var all = Findings.Concat(more).ToList();
        return this with { Findings = all, Verdict = VerdictOf(all) };
    }
}
