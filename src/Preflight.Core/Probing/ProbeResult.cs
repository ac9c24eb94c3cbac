using Preflight.Core.Reports;

namespace Preflight.Core.Probing;

/// <summary>
/// What a prober learned: facts for the report and findings about the file's structure
/// (<c>file.corrupt</c>, <c>video.not_faststart</c>, …). Probers never throw for a bad file.
/// </summary>
public sealed record ProbeResult(MediaFacts Media, IReadOnlyList<Finding> Findings)
{
    /// <summary>True when the in-process reader could not answer and ffprobe should be asked.</summary>
    public bool NeedsFfprobe { get; init; }

    public static ProbeResult Corrupt(string message) =>
        new(MediaFacts.Empty, [Finding.Error(FindingCodes.FileCorrupt, message)]);

    public bool HasErrors => Findings.Any(f => f.Severity == Severity.Error);

    /// <summary>Facts from the in-process reader win; the second source fills what it left unknown.</summary>
    public static ProbeResult Merge(ProbeResult first, ProbeResult second)
    {
        var a = first.Media;
        var b = second.Media;
        var media = new MediaFacts
        {
            Width = a.Width ?? b.Width,
            Height = a.Height ?? b.Height,
            DurationSeconds = a.DurationSeconds ?? b.DurationSeconds,
            VideoCodec = a.VideoCodec ?? b.VideoCodec,
            AudioCodec = a.AudioCodec ?? b.AudioCodec,
            FrameRate = a.FrameRate ?? b.FrameRate,
            SampleRate = a.SampleRate ?? b.SampleRate,
            Channels = a.Channels ?? b.Channels,
            BitDepth = a.BitDepth ?? b.BitDepth,
            Rotation = a.Rotation ?? b.Rotation,
        };
        return new ProbeResult(media, [.. first.Findings, .. second.Findings]);
    }

    /// <summary>The findings of a full decode (deep check) added to this result.</summary>
    public ProbeResult WithFindings(IEnumerable<Finding> more) => this with { Findings = [.. Findings, .. more] };
}

/// <summary>A tool Preflight needs (ffprobe, ffmpeg) is not installed or cannot run.</summary>
public sealed class MissingToolException(string tool, string hint)
    : Exception($"{tool} is not installed or cannot run. {hint}")
{
    public string Tool { get; } = tool;
    public string Hint { get; } = hint;
}
