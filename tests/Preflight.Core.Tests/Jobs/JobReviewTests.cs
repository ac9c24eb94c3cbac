using System.Text.Json;
using Preflight.Core.Jobs;
using Preflight.Core.Reports;
using Preflight.Core.Rules;

namespace Preflight.Core.Tests.Jobs;

/// <summary>Hostile and boundary job requests found in review: each was a crash, a silent pass or an unbounded answer.</summary>
public sealed class JobReviewTests
{
    /// <summary>Every asset passes and lasts 10 s, except URLs containing "bad", which fail.</summary>
    private static Task<FileReport> Inspector(JobAsset asset, string? plan, CancellationToken ct)
    {
        var bad = asset.Url.Contains("bad", StringComparison.Ordinal);
        return Task.FromResult(new FileReport
        {
            Path = asset.Url,
            Kind = asset.Kind ?? AssetKind.Unknown,
            Verdict = bad ? Verdict.Fail : Verdict.Pass,
            Media = new MediaFacts { DurationSeconds = 10 },
            Findings = bad ? [Finding.Error(FindingCodes.FileCorrupt, "truncated")] : [],
        });
    }

    private static readonly JobChecker Checker = new(Profile.HeyGen, Inspector);

    private static JobCheckRequest Raw(string endpoint, string request, string? plan = "pro", double? credits = null) => new()
    {
        Endpoint = endpoint,
        Plan = plan,
        CreditsRemaining = credits,
        Request = JsonDocument.Parse(request).RootElement.Clone(),
    };

    private static string TextScene(string text) =>
        "{\"character\": {\"type\": \"avatar\"}, \"voice\": {\"type\": \"text\", \"input_text\": " + JsonSerializer.Serialize(text) + "}}";

    [Theory]
    [InlineData("video/generate", "{\"video_inputs\": [{\"character\": {\"type\": \"avatar\"}, \"voice\": {\"type\": \"text\", \"input_text\": \"a\\ud800b\"}}]}", "/video_inputs/0/voice/input_text")]
    [InlineData("video/generate", "{\"video_inputs\": [{\"character\": {\"type\": \"avatar\"}, \"voice\": {\"type\": \"audio\", \"audio_url\": \"https://x.test/\\udc00.mp3\"}}]}", "/video_inputs/0/voice/audio_url")]
    [InlineData("streaming.task", "{\"text\": \"\\udc00\"}", "/text")]
    [InlineData("photo_avatar/train", "{\"x\": {\"\\ud800\": 1}}", "/x")]
    public async Task CheckAsync_LoneSurrogateInRequestText_IsARequestErrorNotACrash(string endpoint, string request, string pointer)
    {
        // JSON may spell a lone surrogate ("\ud800"); reading it as .NET text threw InvalidOperationException: a 500 in
        // the service, an unhandled exception in the CLI. Now a JobRequestException (HTTP 400, CLI exit 2).
        var e = await Assert.ThrowsAsync<JobRequestException>(() => Checker.CheckAsync(Raw(endpoint, request), default));
        Assert.Contains($"'{pointer}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckAsync_ValidSurrogatePair_StillChecked()
    {
        var report = await Checker.CheckAsync(Raw("video/generate", "{\"video_inputs\": [" + TextScene("hi \ud83d\ude00") + "]}"), default);
        Assert.Equal(Verdict.Pass, report.Verdict);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public async Task CheckAsync_CreditsRemainingNotFinite_IsARequestError(string value)
    {
        // The web JSON options read "NaN" from a string; NaN made "estimate > remaining" false, so a job costing
        // 2 credits passed whatever the balance was.
        var credits = double.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        var job = Raw("streaming.task", "{\"text\": \"hi\", \"sessionMinutes\": 20}", credits: credits);

        await Assert.ThrowsAsync<JobRequestException>(() => Checker.CheckAsync(job, default));
    }

    [Fact]
    public void JobCheckRequest_CreditsRemainingNaNString_IsReadAsNaN()
    {
        // Why the checker must guard: the request type's JSON options accept the string.
        var job = JsonSerializer.Deserialize("{\"creditsRemaining\": \"NaN\"}", PreflightJson.Options.Info<JobCheckRequest>());
        Assert.True(double.IsNaN(job!.CreditsRemaining!.Value));
    }

    [Fact]
    public async Task CheckAsync_HugeNumberOfScenes_OneTooManyFindingAndBoundedReport()
    {
        // 100,000 empty scenes (300 KB of JSON) gave 200,001 findings (two "missing field" each); a 1 MB body a
        // 100 MB answer. Scenes past the limit fail the job already and are not checked one by one.
        var request = "{\"video_inputs\": [" + string.Join(",", Enumerable.Repeat("{}", 100_000)) + "]}";

        var report = await Checker.CheckAsync(Raw("video/generate", request), default);

        var tooMany = Assert.Single(report.Findings, f => f.Code == FindingCodes.JobTooManyScenes);
        Assert.Equal("100000", tooMany.Actual);
        Assert.Equal("50", tooMany.Limit);
        Assert.Equal(Verdict.Fail, report.Verdict);
        Assert.InRange(report.Findings.Count, 1, 2 * 50 + 1);
    }

    [Fact]
    public async Task CheckAsync_ScenesPastTheLimit_TheirUrlsAreNotFetched()
    {
        var fetched = new List<string>();
        var checker = new JobChecker(Profile.HeyGen, (asset, plan, ct) =>
        {
            lock (fetched) fetched.Add(asset.Url);
            return Inspector(asset, plan, ct);
        });
        var scenes = Enumerable.Range(0, 60).Select(i =>
            "{\"character\": {\"type\": \"avatar\"}, \"voice\": {\"type\": \"audio\", \"audio_url\": \"https://x.test/" + i + ".mp3\"}}");

        var report = await checker.CheckAsync(Raw("video/generate", "{\"video_inputs\": [" + string.Join(",", scenes) + "]}"), default);

        Assert.Contains(report.Findings, f => f.Code == FindingCodes.JobTooManyScenes && f.Actual == "60");
        Assert.Equal(50, fetched.Count);
        Assert.DoesNotContain("https://x.test/50.mp3", fetched);
    }

    [Fact]
    public async Task CheckAsync_FiftyOneScenes_StillChecksTheFirstFifty()
    {
        var scenes = Enumerable.Range(0, 51).Select(i => i == 3 ? TextScene(new string('a', 5000)) : TextScene("hi"));

        var report = await Checker.CheckAsync(Raw("video/generate", "{\"video_inputs\": [" + string.Join(",", scenes) + "]}", plan: "scale"), default);

        Assert.Equal(["job.text_too_long", "job.too_many_scenes"], report.Findings.Select(f => f.Code).Order().ToArray());
    }

    [Fact]
    public async Task CheckAsync_ScriptOutsideTheBasicPlane_CountedPerCharacterOnly()
    {
        // 250 CJK Extension B characters (two UTF-16 units each) are 250 × 0.6 = 150 words = 60 s, the same as 250
        // BMP ideographs. Their surrogate halves were left in the "spaced" text and counted as one more word (60.4 s).
        var text = string.Concat(Enumerable.Repeat("\U00020000", 250));

        var report = await Checker.CheckAsync(Raw("video/generate", "{\"video_inputs\": [" + TextScene(text) + "]}"), default);

        Assert.Equal(60, report.Estimate.DurationSeconds, 3);
    }

    [Fact]
    public async Task CheckAsync_MixedScriptWithWords_CountsBoth()
    {
        // 2 words + 5 ideographs (one outside the BMP) = 2 + 3 = 5 words = 2 s at 150 words per minute.
        var report = await Checker.CheckAsync(Raw("video/generate", "{\"video_inputs\": [" + TextScene("Hello there 字字字字\U00020000") + "]}"), default);

        Assert.Equal(2, report.Estimate.DurationSeconds, 3);
    }

    [Fact]
    public async Task CheckAsync_UnknownVoiceType_FindingCarriesActualAndLimit()
    {
        var report = await Checker.CheckAsync(Raw("video/generate", "{\"video_inputs\": [{\"character\": {\"type\": \"avatar\"}, \"voice\": {\"type\": \"song\"}}]}"), default);

        var finding = Assert.Single(report.Findings, f => f.Path == "/video_inputs/0/voice/type");
        Assert.Equal(FindingCodes.JobInvalidField, finding.Code);
        Assert.Equal("song", finding.Actual);
        Assert.Equal("text | audio | silence", finding.Limit);
    }

    [Fact]
    public async Task CheckAsync_SameHostileInputTwice_SameReport()
    {
        var request = "{\"dimension\": {\"width\": -5, \"height\": \"720\"}, \"video_inputs\": [" + TextScene("hi") + ", 7, null, {\"voice\": []}]}";

        var first = JsonSerializer.Serialize(await Checker.CheckAsync(Raw("video/generate", request, plan: null), default), PreflightJson.Compact);
        var second = JsonSerializer.Serialize(await Checker.CheckAsync(Raw("video/generate", request, plan: null), default), PreflightJson.Compact);

        Assert.Equal(first, second);
        Assert.Contains("\"verdict\":\"fail\"", first, StringComparison.Ordinal);
    }
}
