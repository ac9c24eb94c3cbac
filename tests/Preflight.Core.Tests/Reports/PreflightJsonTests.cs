using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Preflight.Core.Previews;
using Preflight.Core.Remediation;
using Preflight.Core.Reports;

namespace Preflight.Core.Tests.Reports;

/// <summary>The report types' build-time JSON metadata gives exactly the shape reflection gives (the contract).</summary>
public sealed class PreflightJsonTests
{
    private static readonly FileReport Full = new()
    {
        Path = "dir/ä <b>+.mp4",
        Kind = AssetKind.Video,
        Verdict = Verdict.Fail,
        SizeBytes = 123_456_789_012,
        Sha256 = new string('a', 64),
        Detected = new DetectedFormat("mp4", "video/mp4", "ftyp box"),
        Media = new MediaFacts { Width = 1920, Height = 1080, DurationSeconds = 12.345, VideoCodec = "h264", FrameRate = 29.97, Rotation = 90 },
        Findings =
        [
            Finding.Error("file.too_large", "Too large.", actual: "124 GB", limit: "100 MB", fix: "ffmpeg -i 'a.mp4' -b:v 2M out.mp4"),
            Finding.Warning("video.not_faststart", "Moov at the end."),
            Finding.Info("info.note", "Just so you know."),
        ],
        Source = new UrlSource("https://example.com/a.mp4", "https://cdn.example.com/a.mp4", 200, "video/mp4", 42, 1) { BytesFetched = 42, RangeRequests = 2, Complete = false },
        Staged = new StagedInfo("https://x/y", "y", new string('b', 64), null, AlreadyExisted: true),
        Preview = new PreviewInfo("thumbnail", "image/jpeg", 160, 90, null, "data:image/jpeg;base64,AA=="),
        Fix = new FixInfo
        {
            Status = FixStatus.NeedsOption,
            Operations = [new FixOperation(FixOps.Trim, "to 60 s")],
            Lost = new FixLost(null, "the end"),
            After = new FixAfter(Verdict.Pass, 10, null, MediaFacts.Empty, []),
        },
        Cached = true,
    };

    private static JsonSerializerOptions ReflectionOnly(JsonSerializerOptions options) =>
        new(options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    [Fact]
    public void Serialize_Report_SameAsReflection()
    {
        var minimal = new FileReport { Path = "a.png", Kind = AssetKind.Image, Verdict = Verdict.Pass };
        var report = CheckReport.Create("heygen", null, [Full, minimal], TimeSpan.FromMilliseconds(12)) with { Fixes = FixSummary.Of([Full]) };

        foreach (var options in new[] { PreflightJson.Options, PreflightJson.Compact })
        {
            Assert.Equal(JsonSerializer.Serialize(report, ReflectionOnly(options)), JsonSerializer.Serialize(report, options));
            Assert.Equal(JsonSerializer.Serialize(Full, ReflectionOnly(options)), JsonSerializer.Serialize(Full, options));
        }
    }

    [Fact]
    public void Deserialize_FileReport_RoundTrips()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(Full, PreflightJson.Compact);

        var back = JsonSerializer.Deserialize<FileReport>(json, PreflightJson.Compact)!;

        Assert.Equal(JsonSerializer.Serialize(Full, PreflightJson.Compact), JsonSerializer.Serialize(back, PreflightJson.Compact));
        Assert.Equal(Full.Findings, back.Findings);
    }
}
