using System.Text.Json;
using Preflight.Core.Jobs;
using Preflight.Core.Reports;
using Preflight.Core.Rules;

namespace Preflight.Core.Tests.Jobs;

public sealed class JobCheckerTests
{
    /// <summary>Asset URLs whose "inspection" result the test decides: duration from the URL, failure for "bad".</summary>
    private static Task<FileReport> FakeInspector(JobAsset asset, string? plan, CancellationToken ct)
    {
        var uri = new Uri(asset.Url);
        var seconds = double.TryParse(System.Web.HttpUtility.ParseQueryString(uri.Query)["s"], System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 10;
        var bad = uri.AbsolutePath.Contains("bad", StringComparison.Ordinal);
        IReadOnlyList<Finding> findings = bad ? [Finding.Error(FindingCodes.FileCorrupt, "truncated", fix: "re-export")] : [];
        return Task.FromResult(new FileReport
        {
            Path = asset.Url,
            Kind = asset.Kind ?? AssetKind.Unknown,
            Verdict = bad ? Verdict.Fail : Verdict.Pass,
            Media = new MediaFacts { DurationSeconds = seconds },
            Findings = findings,
        });
    }

    private static readonly JobChecker Checker = new(Profile.HeyGen, FakeInspector);

    private static JobCheckRequest Job(string endpoint, object request, string? plan = "pro", double? credits = null) => new()
    {
        Endpoint = endpoint,
        Plan = plan,
        CreditsRemaining = credits,
        Request = JsonSerializer.SerializeToElement(request),
    };

    private static object TextScene(string text, string character = "avatar") => new
    {
        character = new { type = character, avatar_id = "a" },
        voice = new { type = "text", input_text = text, voice_id = "v" },
    };

    private static object AudioScene(string url, string character = "avatar") => new
    {
        character = new { type = character },
        voice = new { type = "audio", audio_url = url },
    };

    private static object Generate(IEnumerable<object> scenes, int width = 1280, int height = 720) => new
    {
        dimension = new { width, height },
        video_inputs = scenes.ToArray(),
    };

    private static string[] Codes(JobReport report) => report.Findings.Where(f => f.Severity != Severity.Info).Select(f => f.Code).Distinct().Order().ToArray();

    [Theory]
    [InlineData(1, "pass", new string[0])]
    [InlineData(50, "pass", new string[0])]
    [InlineData(51, "fail", new[] { "job.too_many_scenes" })]
    public async Task CheckAsync_SceneCount_BoundaryAt50(int scenes, string verdict, string[] codes)
    {
        var report = await Checker.CheckAsync(Job("video/generate", Generate(Enumerable.Range(0, scenes).Select(_ => TextScene("hi"))), plan: "scale"), default);
        Assert.Equal(verdict, report.Verdict.ToString().ToLowerInvariant());
        Assert.Equal(codes, Codes(report));
    }

    [Fact]
    public async Task CheckAsync_NoScenes_FailsWithNoScenes()
    {
        var report = await Checker.CheckAsync(Job("video/generate", Generate([])), default);
        Assert.Equal(Verdict.Fail, report.Verdict);
        Assert.Equal(["job.no_scenes"], Codes(report));
        Assert.Equal("/video_inputs", report.Findings[0].Path);
    }

    [Theory]
    [InlineData(4999, false)]
    [InlineData(5000, true)]
    public async Task CheckAsync_TextLength_MustBeUnder5000Characters(int length, bool tooLong)
    {
        var report = await Checker.CheckAsync(Job("video/generate", Generate([TextScene("hi"), TextScene(new string('a', length))]), plan: "scale"), default);
        var finding = report.Findings.SingleOrDefault(f => f.Code == FindingCodes.JobTextTooLong);
        Assert.Equal(tooLong, finding is not null);
        if (finding is not null) Assert.Equal("/video_inputs/1/voice/input_text", finding.Path);
    }

    [Fact]
    public async Task CheckAsync_TextLength_CountsUnicodeCharactersNotUtf16Units()
    {
        // 4,999 emoji are 9,998 UTF-16 units but 4,999 characters: still under the limit.
        var text = string.Concat(Enumerable.Repeat("😀", 4999));
        var report = await Checker.CheckAsync(Job("video/generate", Generate([TextScene(text)]), plan: "scale"), default);
        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.JobTextTooLong);
    }

    [Theory]
    [InlineData(128, 720, true)]
    [InlineData(129, 720, false)]
    [InlineData(1280, 4095, false)]
    [InlineData(1280, 4096, true)]
    public async Task CheckAsync_Dimension_MustBeBetween128And4096Exclusive(int width, int height, bool outOfRange)
    {
        var report = await Checker.CheckAsync(Job("video/generate", Generate([TextScene("hi")], width, height), plan: "enterprise"), default);
        Assert.Equal(outOfRange, report.Findings.Any(f => f.Code == FindingCodes.JobDimensionOutOfRange));
    }

    [Theory]
    [InlineData("free", 1280, 720, false)]
    [InlineData("free", 720, 1280, false)]
    [InlineData("free", 1920, 1080, true)]
    [InlineData("pro", 1920, 1080, false)]
    [InlineData("pro", 2560, 1440, true)]
    [InlineData("scale", 3840, 2160, false)]
    public async Task CheckAsync_Resolution_WithinPlan(string plan, int width, int height, bool exceeds)
    {
        var report = await Checker.CheckAsync(Job("video/generate", Generate([TextScene("hi")], width, height), plan), default);
        Assert.Equal(exceeds, report.Findings.Any(f => f.Code == FindingCodes.JobResolutionExceedsPlan));
    }

    [Theory]
    [InlineData(300, false)]
    [InlineData(301, true)]
    public async Task CheckAsync_AudioDurationOnPro_BoundaryAt300Seconds(double seconds, bool exceeds)
    {
        var report = await Checker.CheckAsync(Job("video/generate", Generate([AudioScene($"https://cdn.example/a.mp3?s={seconds}")]), "pro"), default);
        Assert.Equal(exceeds, report.Findings.Any(f => f.Code == FindingCodes.JobDurationExceedsPlan));
        Assert.Equal(seconds, report.Estimate.DurationSeconds);
        Assert.False(report.Estimate.DurationIsEstimate);
    }

    [Fact]
    public async Task CheckAsync_TextScene_DurationIsAnEstimateAt150WordsPerMinute()
    {
        var words = string.Join(' ', Enumerable.Repeat("word", 300));
        var report = await Checker.CheckAsync(Job("video/generate", Generate([TextScene(words)]), "pro"), default);
        Assert.Equal(120, report.Estimate.DurationSeconds, 3);
        Assert.True(report.Estimate.DurationIsEstimate);
    }

    [Fact]
    public async Task CheckAsync_ScriptWithoutSpaces_EstimatedPerCharacter()
    {
        // 250 Chinese characters ≈ 150 words at 0.6 words each ≈ 60 s at 150 words per minute, not 0.4 s as one "word".
        var report = await Checker.CheckAsync(Job("video/generate", Generate([TextScene(new string('字', 250))]), "pro"), default);
        Assert.Equal(60, report.Estimate.DurationSeconds, 3);
        Assert.True(report.Estimate.DurationIsEstimate);
    }

    [Theory]
    [InlineData("avatar", 240, 2.0)]        // 1 credit = 2 minutes
    [InlineData("talking_photo", 240, 0.8)] // 1 credit = 5 minutes
    public async Task CheckAsync_Credits_ByAvatarType(string character, double seconds, double credits)
    {
        var report = await Checker.CheckAsync(Job("video/generate", Generate([AudioScene($"https://cdn.example/a.wav?s={seconds}", character)]), "pro"), default);
        Assert.Equal(credits, report.Estimate.Credits, 6);
        Assert.Contains("credits", report.Estimate.Formula);
    }

    [Fact]
    public async Task CheckAsync_MixedScenes_SumsFractionalCredits()
    {
        var report = await Checker.CheckAsync(Job("video/generate", Generate(
        [
            AudioScene("https://cdn.example/a.wav?s=60", "avatar"),
            AudioScene("https://cdn.example/b.wav?s=30", "talking_photo"),
        ]), "pro"), default);
        Assert.Equal(60.0 / 120 + 30.0 / 300, report.Estimate.Credits, 6);
    }

    [Theory]
    [InlineData("video_translate", 100, 5.0)]
    [InlineData("photo_avatar/photo/generate", 0, 0.25)]
    [InlineData("photo_avatar/look/generate", 0, 0.25)]
    [InlineData("photo_avatar/train", 0, 4.0)]
    [InlineData("photo_avatar/add_motion", 0, 1.0)]
    [InlineData("photo_avatar/add_sound_effect", 0, 0.0)]
    [InlineData("photo_avatar/upscale", 0, 0.5)]
    public async Task CheckAsync_Credits_PerEndpointFormula(string endpoint, double seconds, double credits)
    {
        object request = endpoint == "video_translate"
            ? new { video_url = $"https://cdn.example/v.mp4?s={seconds}", output_language = "fr" }
            : new { };
        var report = await Checker.CheckAsync(Job(endpoint, request, "scale"), default);
        Assert.Equal(credits, report.Estimate.Credits, 6);
    }

    [Fact]
    public async Task CheckAsync_StreamingSession_CostsOneCreditPer10Minutes()
    {
        var report = await Checker.CheckAsync(Job("streaming.task", new { text = "hello", sessionMinutes = 12 }), default);
        Assert.Equal(1.2, report.Estimate.Credits, 6);
        Assert.Equal(Verdict.Pass, report.Verdict);
    }

    [Theory]
    [InlineData(1000, false)]
    [InlineData(1001, true)]
    public async Task CheckAsync_StreamingText_AtMost1000Characters(int length, bool tooLong)
    {
        var report = await Checker.CheckAsync(Job("streaming.task", new { text = new string('x', length) }), default);
        Assert.Equal(tooLong, report.Findings.Any(f => f.Code == FindingCodes.JobTextTooLong));
    }

    [Theory]
    [InlineData("free", true)]
    [InlineData("pro", true)]
    [InlineData("scale", false)]
    [InlineData("enterprise", false)]
    public async Task CheckAsync_VideoTranslate_OnlyOnScaleAndEnterprise(string plan, bool blocked)
    {
        var report = await Checker.CheckAsync(Job("video_translate", new { video_url = "https://cdn.example/v.mp4?s=60", output_language = "de" }, plan), default);
        Assert.Equal(blocked, report.Findings.Any(f => f.Code == FindingCodes.JobEndpointNotInPlan));
        Assert.Equal("scale", report.MinimumPlan);
    }

    [Fact]
    public async Task CheckAsync_InsufficientCredits_Fails()
    {
        var report = await Checker.CheckAsync(Job("video/generate", Generate([AudioScene("https://cdn.example/a.wav?s=240")]), "pro", credits: 1.5), default);
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.JobInsufficientCredits && f.Severity == Severity.Error);
        Assert.Equal(Verdict.Fail, report.Verdict);
    }

    [Fact]
    public async Task CheckAsync_OverMonthlyCredits_IsOnlyAWarning()
    {
        // 120 minutes of streaming = 12 credits: more than Free's 10 a month, but streaming has no length limit.
        var report = await Checker.CheckAsync(Job("streaming.task", new { text = "hi", sessionMinutes = 120 }, "free"), default);
        Assert.Equal(Verdict.Pass, report.Verdict);
        var warning = Assert.Single(report.Findings, f => f.Code == FindingCodes.JobExceedsMonthlyCredits);
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Equal("free", report.MinimumPlan);
    }

    [Fact]
    public async Task CheckAsync_ExceedsMonthlyCreditsOfPlan_Warns()
    {
        // 25 minutes with a video avatar = 12.5 credits, over Free's 10 a month.
        var report = await Checker.CheckAsync(Job("video/generate", Generate([AudioScene("https://cdn.example/a.wav?s=1500")]), "free"), default);
        var warning = Assert.Single(report.Findings, f => f.Code == FindingCodes.JobExceedsMonthlyCredits);
        Assert.Equal(Severity.Warning, warning.Severity);
    }

    [Fact]
    public async Task CheckAsync_NoPlan_ReportsMinimumPlanAndPasses()
    {
        var report = await Checker.CheckAsync(Job("video/generate", Generate([TextScene("hi")], 1920, 1080), plan: null), default);
        Assert.Equal("pro", report.MinimumPlan);
        Assert.Equal(Verdict.Pass, report.Verdict);
        Assert.Null(report.Plan);
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.JobResolutionExceedsPlan && f.Severity == Severity.Info && f.Message.StartsWith("[free]"));
    }

    [Fact]
    public async Task CheckAsync_FailsOnFreePassesOnPro_MinimumPlanIsPro()
    {
        var report = await Checker.CheckAsync(Job("video/generate", Generate([TextScene("hi")], 1920, 1080), plan: "free"), default);
        Assert.Equal(Verdict.Fail, report.Verdict);
        Assert.Equal("pro", report.MinimumPlan);
    }

    [Fact]
    public async Task CheckAsync_FailingAsset_FailsJobWithPointerAndIncludesAssetReport()
    {
        var report = await Checker.CheckAsync(Job("video/generate", Generate(
        [
            TextScene("hi"),
            new
            {
                character = new { type = "avatar" },
                voice = new { type = "text", input_text = "hello" },
                background = new { type = "image", url = "https://cdn.example/bad.png" },
            },
        ])), default);
        var finding = Assert.Single(report.Findings, f => f.Code == FindingCodes.JobAssetFailed);
        Assert.Equal("/video_inputs/1/background/url", finding.Path);
        var asset = Assert.Single(report.Assets);
        Assert.Equal("/video_inputs/1/background/url", asset.Path);
        Assert.Equal(AssetKind.Image, asset.Kind);
        Assert.Null(report.MinimumPlan);
    }

    [Fact]
    public async Task CheckAsync_SameUrlTwice_InspectedOnce()
    {
        var calls = 0;
        var checker = new JobChecker(Profile.HeyGen, (a, p, ct) => { Interlocked.Increment(ref calls); return FakeInspector(a, p, ct); });
        var report = await checker.CheckAsync(Job("video/generate", Generate(
            [AudioScene("https://cdn.example/a.mp3?s=5"), AudioScene("https://cdn.example/a.mp3?s=5")])), default);
        Assert.Equal(1, calls);
        Assert.Single(report.Assets);
        Assert.Equal(10, report.Estimate.DurationSeconds);
    }

    [Theory]
    [InlineData(150, false)]
    [InlineData(151, true)]
    public async Task CheckAsync_DistinctAssetUrls_BoundedBeforeAnythingIsFetched(int urls, bool refused)
    {
        var fetched = 0;
        var checker = new JobChecker(Profile.HeyGen, (asset, plan, ct) =>
        {
            Interlocked.Increment(ref fetched);
            return FakeInspector(asset, plan, ct);
        });
        var request = new { images = Enumerable.Range(0, urls).Select(i => new { url = $"https://example.test/{i}.png" }).ToArray() };

        var check = checker.CheckAsync(Job("photo_avatar/train", request), default);

        if (refused)
        {
            var e = await Assert.ThrowsAsync<JobRequestException>(() => check);
            Assert.Contains("at most 150", e.Message, StringComparison.Ordinal);
            Assert.Equal(0, fetched);
        }
        else
        {
            Assert.Equal(urls, (await check).Assets.Count);
            Assert.Equal(urls, fetched);
        }
    }

    [Fact]
    public async Task CheckAsync_FiftyScenesWithTheSameUrls_CountAsTwoAssets()
    {
        var scenes = Enumerable.Range(0, 50).Select(_ => new
        {
            character = new { type = "avatar" },
            voice = new { type = "audio", audio_url = "https://example.test/a.mp3?s=1" },
            background = new { type = "image", url = "https://example.test/bg.png" },
        });

        var report = await Checker.CheckAsync(Job("video/generate", Generate(scenes)), default);

        Assert.Equal(2, report.Assets.Count);
        Assert.Equal(Verdict.Pass, report.Verdict);
    }

    [Fact]
    public async Task CheckAsync_UnknownEndpoint_FailsListingSupported()
    {
        var report = await Checker.CheckAsync(Job("video/teleport", new { }), default);
        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingCodes.JobUnknownEndpoint, finding.Code);
        Assert.Contains("video/generate", finding.Message);
        Assert.Equal(Verdict.Fail, report.Verdict);
    }

    [Fact]
    public async Task CheckAsync_MissingFields_AreFindingsNotExceptions()
    {
        var report = await Checker.CheckAsync(Job("video/generate", new { video_inputs = new object[] { new { voice = new { type = "text" } }, 42 } }), default);
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.JobMissingField && f.Path == "/video_inputs/0/character");
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.JobMissingField && f.Path == "/video_inputs/0/voice/input_text");
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.JobInvalidField && f.Path == "/video_inputs/1");
    }

    [Fact]
    public async Task CheckAsync_RequestNotAnObject_IsAFinding()
    {
        var report = await Checker.CheckAsync(new JobCheckRequest { Endpoint = "video/generate", Request = JsonSerializer.SerializeToElement(new[] { 1 }) }, default);
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.JobInvalidField && f.Path == "");
    }

    [Theory]
    [InlineData("streaming.task", "{\"text\": \"hi\", \"sessionMinutes\": 1e400}", "/sessionMinutes")]
    [InlineData("streaming.task", "{\"text\": \"hi\", \"sessionMinutes\": 1e307}", "/sessionMinutes")]
    [InlineData("video/generate", "{\"dimension\": {\"width\": 1e400, \"height\": 720}, \"video_inputs\": []}", "/dimension/width")]
    public async Task CheckAsync_NumberTooLargeForADouble_IsInvalidFieldAndReportSerializes(string endpoint, string request, string pointer)
    {
        // JSON allows 1e400; it reads as infinity, which the report's JSON writer refuses (a 500 in the service).
        var job = new JobCheckRequest { Endpoint = endpoint, Plan = "pro", Request = JsonDocument.Parse(request).RootElement.Clone() };

        var report = await Checker.CheckAsync(job, default);

        Assert.Contains(report.Findings, f => f.Code is FindingCodes.JobInvalidField or FindingCodes.JobDimensionOutOfRange && f.Path == pointer);
        Assert.True(double.IsFinite(report.Estimate.Credits) && double.IsFinite(report.Estimate.DurationSeconds));
        Assert.Contains("\"verdict\":\"fail\"", JsonSerializer.Serialize(report, PreflightJson.Compact));
    }

    [Fact]
    public async Task CheckAsync_UnknownPlan_ThrowsJobRequestException()
    {
        await Assert.ThrowsAsync<JobRequestException>(() => Checker.CheckAsync(Job("video/generate", Generate([TextScene("hi")]), plan: "gold"), default));
    }

    [Theory]
    [InlineData("/v2/video/generate", "video/generate")]
    [InlineData("Video/Generate", "video/generate")]
    [InlineData("video/translate", "video_translate")]
    public void Normalise_Spellings_MapToCanonicalName(string given, string expected) =>
        Assert.Equal(expected, GenerationEndpoints.Normalise(given));

    [Fact]
    public void InterleavedByHost_TakesEachHostInTurn()
    {
        JobAsset Asset(string url) => new(url, AssetKind.Image, "/x");
        var assets = new[]
        {
            Asset("https://a.example/1.png"), Asset("https://a.example/2.png"), Asset("https://A.EXAMPLE/3.png"),
            Asset("https://b.example/1.png"), Asset("https://c.example/1.png"), Asset("https://b.example/2.png"),
        };

        Assert.Equal([0, 3, 4, 1, 5, 2], JobChecker.InterleavedByHost(assets));
    }
}
