using Preflight.Core.Inspection;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Core.Sniffing;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Rules;

public sealed class FileRulesTests
{
    private static readonly Profile HeyGen = Profile.HeyGen;

    private static string[] Codes(IEnumerable<Finding> findings) => findings.Select(f => f.Code).ToArray();

    [Theory]
    [InlineData(AssetKind.Video, 100_000_000L, false)]
    [InlineData(AssetKind.Video, 100_000_001L, true)]
    [InlineData(AssetKind.Image, 50_000_000L, false)]
    [InlineData(AssetKind.Image, 50_000_001L, true)]
    [InlineData(AssetKind.Audio, 50_000_000L, false)]
    [InlineData(AssetKind.Audio, 50_000_001L, true)]
    public void Size_DecimalMegabyteLimits(AssetKind kind, long bytes, bool tooLarge)
    {
        var findings = FileRules.Size(HeyGen, kind, "x", bytes, new MediaFacts { DurationSeconds = 60 }).ToList();
        Assert.Equal(tooLarge, findings.Any(f => f.Code == FindingCodes.FileTooLarge));
    }

    [Fact]
    public void Size_TooLargeVideo_FixTargetsABitrateUnderTheLimit()
    {
        var finding = Assert.Single(FileRules.Size(HeyGen, AssetKind.Video, "big.mp4", 150_000_000, new MediaFacts { DurationSeconds = 100 }));
        // 100 MB * 8 * 0.95 / 100 s = 7,600 kbit/s in total, minus 128 kbit/s of audio.
        Assert.Contains("-b:v 7472k", finding.Fix);
        Assert.Equal("100000000", finding.Limit);
    }

    [Theory]
    [InlineData(2047, 1000, false)]
    [InlineData(2048, 1000, true)]
    [InlineData(1000, 2048, true)]
    public void Media_ResolutionUnder2K(int width, int height, bool tooLarge)
    {
        var findings = FileRules.Media(HeyGen, AssetKind.Image, "a.png", new MediaFacts { Width = width, Height = height }, plan: null).ToList();
        Assert.Equal(tooLarge, findings.Any(f => f.Code == FindingCodes.MediaResolutionTooLarge));
        if (tooLarge) Assert.Contains("scale=2047:2047", findings[0].Fix);
    }

    [Theory]
    [InlineData(600.0, false)]
    [InlineData(600.001, true)]
    public void Media_AudioAtMost600Seconds(double seconds, bool tooLong)
    {
        var findings = FileRules.Media(HeyGen, AssetKind.Audio, "a.mp3", new MediaFacts { DurationSeconds = seconds }, plan: null).ToList();
        Assert.Equal(tooLong, findings.Any(f => f.Code == FindingCodes.MediaDurationTooLong));
        if (tooLong) Assert.Contains("-t 600", findings[0].Fix);
    }

    [Theory]
    [InlineData("free", 1280, 720, false)]
    [InlineData("free", 720, 1280, false)]
    [InlineData("free", 1281, 720, true)]
    [InlineData("free", 1280, 721, true)]
    [InlineData("pro", 1920, 1080, false)]
    [InlineData("pro", 1080, 1920, false)]
    [InlineData("pro", 1921, 1080, true)]
    [InlineData(null, 1920, 1080, false)]
    public void Media_VideoResolutionWithinPlan(string? plan, int width, int height, bool tooLarge)
    {
        var media = new MediaFacts { Width = width, Height = height, FrameRate = 25 };
        var findings = FileRules.Media(HeyGen, AssetKind.Video, "v.mp4", media, plan).ToList();
        var finding = findings.SingleOrDefault(f => f.Code == FindingCodes.MediaResolutionTooLarge);
        Assert.Equal(tooLarge, finding is not null);
        if (finding is not null) Assert.Contains($"plan {plan}", finding.Limit);
    }

    [Theory]
    [InlineData("free", 180.0, false)]
    [InlineData("free", 180.5, true)]
    [InlineData("pro", 300.0, false)]
    [InlineData("pro", 301.0, true)]
    [InlineData("scale", 1800.0, false)]
    [InlineData("scale", 1801.0, true)]
    [InlineData("enterprise", 100_000.0, false)]
    public void Media_VideoDurationWithinPlan(string plan, double seconds, bool tooLong)
    {
        var media = new MediaFacts { Width = 640, Height = 360, DurationSeconds = seconds, FrameRate = 25 };
        var findings = FileRules.Media(HeyGen, AssetKind.Video, "v.mp4", media, plan).ToList();
        Assert.Equal(tooLong, findings.Any(f => f.Code == FindingCodes.MediaDurationTooLong));
    }

    [Theory]
    [InlineData(25.0, false)]
    [InlineData(29.97, true)]
    [InlineData(30.0, true)]
    public void Media_FrameRateOtherThan25_IsAWarning(double fps, bool warned)
    {
        var findings = FileRules.Media(HeyGen, AssetKind.Video, "v.mp4", new MediaFacts { Width = 640, Height = 360, FrameRate = fps }, null).ToList();
        var warning = findings.SingleOrDefault(f => f.Code == FindingCodes.VideoFrameRateChanged);
        Assert.Equal(warned, warning is not null);
        if (warning is not null)
        {
            Assert.Equal(Severity.Warning, warning.Severity);
            Assert.Contains("fps=25", warning.Fix);
        }
    }

    [Theory]
    [InlineData("photo.jpg", KnownFormats.Png, FindingCodes.FormatExtensionMismatch, "mv -n 'photo.jpg' 'photo.png'")]
    [InlineData("clip.mp4", KnownFormats.Mov, FindingCodes.FormatExtensionMismatch, "-c copy")]
    [InlineData("voice.mp3", KnownFormats.Wav, FindingCodes.FormatExtensionMismatch, "mv -n 'voice.mp3' 'voice.wav'")]
    [InlineData("clip.mp4", KnownFormats.Webm, FindingCodes.FormatUnsupported, "libx264")]
    [InlineData("clip.mp4", KnownFormats.Html, FindingCodes.FormatUnsupported, null)]
    [InlineData("notes.txt", KnownFormats.Text, FindingCodes.FormatUnsupported, null)]
    public void Format_RealFormatVsExtension(string name, string real, string code, string? fixContains)
    {
        var kind = HeyGen.KindFromExtension(Path.GetExtension(name));
        var finding = Assert.Single(FileRules.Format(HeyGen, kind, name, new SniffResult(real, "x/y", "test")));
        Assert.Equal(code, finding.Code);
        Assert.Equal(Severity.Error, finding.Severity);
        if (fixContains is null) Assert.Null(finding.Fix);
        else Assert.Contains(fixContains, finding.Fix);
    }

    [Fact]
    public void Format_ExtensionMatchesContent_NoFinding()
    {
        Assert.Empty(FileRules.Format(HeyGen, AssetKind.Image, "A.JPEG", new SniffResult(KnownFormats.Jpeg, "image/jpeg", "test")));
    }

    [Fact]
    public void FixCommands_QuoteHostileNames()
    {
        Assert.Equal("'it'\\''s \"x\".mp4'", FixCommands.Quote("it's \"x\".mp4"));
    }

    [Fact]
    public async Task Inspect_SparseFileOver100MB_FailsTooLargeWithoutReadingItIntoMemory()
    {
        using var temp = new TempDir();
        var path = temp.File("huge.mp4");
        await using (var file = new FileStream(path, FileMode.CreateNew))
        {
            file.SetLength(100_000_001);
        }

        var report = await new Inspector(new MediaTools(new MediaToolsOptions()))
            .InspectAsync(new InspectionRequest(path, "huge.mp4"), new InspectionOptions(), default);

        Assert.Equal(Verdict.Fail, report.Verdict);
        Assert.Contains(FindingCodes.FileTooLarge, Codes(report.Findings));
        Assert.Equal(100_000_001, report.SizeBytes);
    }

    [Fact]
    public void Profile_EveryLimitHasASource()
    {
        foreach (var (name, kind) in HeyGen.Kinds)
        {
            Assert.False(string.IsNullOrWhiteSpace(kind.MaxBytes.Source), name);
        }
        foreach (var (name, plan) in HeyGen.Plans)
        {
            Assert.False(string.IsNullOrWhiteSpace(plan.MaxShortSide.Source), name);
        }
        Assert.Equal(600, HeyGen.LimitsFor(AssetKind.Audio)!.MaxDurationSeconds!.Value);
        Assert.Contains("contradicts", HeyGen.LimitsFor(AssetKind.Audio)!.MaxDurationSeconds!.Note);
        Assert.Contains("stricter", HeyGen.Megabyte.Note);
    }
}
