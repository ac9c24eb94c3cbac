using Preflight.Core.Ingest;
using Preflight.Core.Inspection;
using Preflight.Core.Probing;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Core.Sniffing;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Inspection;

public sealed class FileInspectionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly InspectFile Unreachable = (_, _, _) => throw new InvalidOperationException("the engine must not run");

    [Fact]
    public async Task InspectAsync_EngineThrows_IsAFailRowWithProbeFailedAndTheReason()
    {
        InspectFile engine = (_, _, _) => throw new InvalidDataException("boom");
        Exception? told = null;

        var report = await FileInspection.InspectAsync(engine, new InspectionRequest(_dir.File("x"), "clip.mp4"), null,
            new InspectionOptions(), showReason: true, e => told = e, CancellationToken.None);

        Assert.Equal(Verdict.Fail, report.Verdict);
        Assert.Equal(AssetKind.Video, report.Kind);
        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingCodes.ProbeFailed, finding.Code);
        Assert.Contains("internal error", finding.Message);
        Assert.Contains("boom", finding.Message);
        Assert.IsType<InvalidDataException>(told);
    }

    [Fact]
    public async Task InspectAsync_EngineThrowsWithoutShowReason_HidesTheException()
    {
        InspectFile engine = (_, _, _) => throw new InvalidOperationException("secret /srv/path");

        var report = await FileInspection.InspectAsync(engine, new InspectionRequest(_dir.File("x"), "a.wav"), null,
            new InspectionOptions(), showReason: false, null, CancellationToken.None);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingCodes.ProbeFailed, finding.Code);
        Assert.DoesNotContain("secret", finding.Message);
        Assert.DoesNotContain("InvalidOperationException", finding.Message);
    }

    [Fact]
    public async Task InspectAsync_MissingToolAndCancellation_Escape()
    {
        InspectFile missing = (_, _, _) => throw new MissingToolException("ffprobe", "install it");
        InspectFile cancelled = (_, _, _) => throw new OperationCanceledException();
        var request = new InspectionRequest(_dir.File("x"), "a.mp4");

        await Assert.ThrowsAsync<MissingToolException>(() =>
            FileInspection.InspectAsync(missing, request, null, new InspectionOptions(), true, null, CancellationToken.None));
        await Assert.ThrowsAsync<OperationCanceledException>(() =>
            FileInspection.InspectAsync(cancelled, request, null, new InspectionOptions(), true, null, CancellationToken.None));
    }

    [Fact]
    public async Task InspectAsync_IngestedOverItsLimit_OversizeReportWithDetectedAndSha256WithoutTheEngine()
    {
        var png = File.ReadAllBytes(RepoPaths.TestFile("valid", "image-160x90.png"));
        var body = png.Concat(new byte[50_000]).ToArray();
        var profile = Profile.HeyGen;
        var ingested = await Ingestor.ReceiveAsync(new MemoryStream(body), _dir.File("in"), new IngestLimits(4096), CancellationToken.None);

        var report = await FileInspection.InspectAsync(Unreachable, new InspectionRequest(ingested.FilePath, "big.png"), ingested,
            new InspectionOptions { Profile = profile with { Kinds = LimitImagesTo(profile, 4096) } }, true, null, CancellationToken.None);

        Assert.Equal(Verdict.Fail, report.Verdict);
        Assert.Equal(AssetKind.Image, report.Kind);
        Assert.Equal(body.Length, report.SizeBytes);
        Assert.Equal(ingested.Sha256, report.Sha256);
        Assert.Equal(KnownFormats.Png, report.Detected?.Format);
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.FileTooLarge);
    }

    [Fact]
    public async Task InspectAsync_Ingested_PassesItsHashAndSniffToTheEngine()
    {
        var ingested = await Ingestor.ReceiveAsync(new MemoryStream(File.ReadAllBytes(RepoPaths.TestFile("valid", "image-160x90.png"))),
            _dir.File("in"), new IngestLimits(1_000_000), CancellationToken.None);
        InspectionRequest? seen = null;
        InspectFile engine = (r, _, _) => { seen = r; return Task.FromResult(new FileReport { Path = r.DisplayPath, Kind = AssetKind.Image, Verdict = Verdict.Pass }); };

        await FileInspection.InspectAsync(engine, new InspectionRequest(ingested.FilePath, "a.png"), ingested, new InspectionOptions(), true, null, CancellationToken.None);

        Assert.Equal(ingested.Sha256, seen!.Sha256);
        Assert.Same(ingested.Sniff, seen.Sniff);
    }

    [Fact]
    public void SizeLimitFor_UnknownKind_IsTheLargestKind()
    {
        var profile = Profile.HeyGen;
        var (kind, limits) = profile.SizeLimitFor(null);

        Assert.Equal(profile.Kinds.Values.Max(k => k.MaxBytes.Value), limits.MaxBytes.Value);
        Assert.Equal(limits, profile.LimitsFor(kind));
        Assert.Equal(limits.MaxBytes.Value, profile.LargestMaxBytes);
        Assert.Equal((AssetKind.Image, profile.LimitsFor(AssetKind.Image)!), profile.SizeLimitFor(AssetKind.Image));
    }

    private static Dictionary<string, KindLimits> LimitImagesTo(Profile profile, long bytes) =>
        profile.Kinds.ToDictionary(k => k.Key, k => k.Key == "image" ? k.Value with { MaxBytes = k.Value.MaxBytes with { Value = bytes } } : k.Value);
}
