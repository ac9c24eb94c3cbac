using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Api.Tests;

/// <summary>
/// <c>POST /v1/preflight/jobs</c> end to end: the job's asset URLs are served from loopback (AllowPrivateNetworks on)
/// with real test files, fetched and inspected by the engine like <c>/v1/preflight/urls</c> does.
/// </summary>
public sealed class JobEndpointTests : IAsyncLifetime
{
    private const string Jobs = "/v1/preflight/jobs";

    private readonly PreflightApiFactory _factory = new(("Preflight:Fetch:AllowPrivateNetworks", "true"));
    private LoopbackHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackHttpServer.StartAsync(routes =>
    {
        routes.MapGet("/voice.mp3", Serve("valid/audio-64kbps-mono.mp3", "audio/mpeg"));
        routes.MapGet("/broken.mp3", Serve("corrupt/mp3-cut-last-frame.mp3", "audio/mpeg"));
        routes.MapGet("/background.png", Serve("valid/image-160x90.png", "image/png"));
        routes.MapGet("/clip.mp4", Serve("valid/video-h264-aac-640x360-25fps-faststart.mp4", "video/mp4"));
    });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _factory.Dispose();
    }

    [Fact]
    public async Task PostJobs_VideoGenerateWithGoodAssets_PassesWithAssetReportsAndEstimate()
    {
        var report = await CheckAsync(VideoGenerate("pro", "/voice.mp3"));

        Assert.Equal("pass", (string?)report["verdict"]);
        Assert.Equal("video/generate", (string?)report["endpoint"]);
        Assert.Equal("pro", (string?)report["plan"]);
        Assert.Equal("free", (string?)report["minimumPlan"]);
        var assets = report["assets"]!.AsArray();
        Assert.Equal(["/video_inputs/0/voice/audio_url", "/video_inputs/0/background/url"], assets.Select(a => (string?)a!["path"]));
        Assert.All(assets, a => Assert.Equal("pass", (string?)a!["verdict"]));
        Assert.Equal(["audio", "image"], assets.Select(a => (string?)a!["kind"]));
        var estimate = report["estimate"]!;
        Assert.False((bool)estimate["durationIsEstimate"]!);
        Assert.InRange((double)estimate["durationSeconds"]!, 1.9, 2.2); // the MP3 lasts about 2 s
        Assert.Equal(2, _server.Requests.Count);
        Assert.Empty(_factory.FilesLeftInUploadFolder());
    }

    [Fact]
    public async Task PostJobs_CorruptAudio_AssetFailedPointsAtItWithItsReport()
    {
        var report = await CheckAsync(VideoGenerate("pro", "/broken.mp3"));

        Assert.Equal("fail", (string?)report["verdict"]);
        var finding = report["findings"]!.AsArray().Single(f => (string?)f!["code"] == FindingCodes.JobAssetFailed)!;
        Assert.Equal("/video_inputs/0/voice/audio_url", (string?)finding["path"]);
        Assert.Equal("error", (string?)finding["severity"]);
        var asset = report["assets"]!.AsArray().Single(a => (string?)a!["path"] == "/video_inputs/0/voice/audio_url")!;
        Assert.Equal("fail", (string?)asset["verdict"]);
        Assert.Contains(FindingCodes.FileCorrupt, asset["findings"]!.AsArray().Select(f => (string?)f!["code"]));
        Assert.EndsWith("/broken.mp3", (string?)asset["source"]!["url"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostJobs_VideoTranslateOnPro_NotInPlanMinimumScaleCreditsPerTwentySeconds()
    {
        var report = await CheckAsync(new
        {
            endpoint = "video_translate",
            plan = "pro",
            request = new { video_url = _server.Url("/clip.mp4").ToString(), output_language = "German" },
        });

        Assert.Equal("fail", (string?)report["verdict"]);
        Assert.Contains(FindingCodes.JobEndpointNotInPlan, report["findings"]!.AsArray().Select(f => (string?)f!["code"]));
        Assert.Equal("scale", (string?)report["minimumPlan"]);
        var estimate = report["estimate"]!;
        var seconds = (double)estimate["durationSeconds"]!;
        Assert.InRange(seconds, 1.9, 2.1); // the clip lasts 2 s
        Assert.Equal(seconds / 20, (double)estimate["credits"]!, 5);
        Assert.Equal("/video_url", (string?)report["assets"]![0]!["path"]);
    }

    [Fact]
    public async Task PostJobs_UnknownEndpoint_Answers200FailListingTheSupportedOnes()
    {
        var report = await CheckAsync(new { endpoint = "video/teleport", request = new { } });

        Assert.Equal("fail", (string?)report["verdict"]);
        var finding = Assert.Single(report["findings"]!.AsArray())!;
        Assert.Equal(FindingCodes.JobUnknownEndpoint, (string?)finding["code"]);
        Assert.Contains("video/generate", (string?)finding["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostJobs_PrivateNetworksNotAllowed_LoopbackAssetBlockedWithoutConnecting()
    {
        using var factory = new PreflightApiFactory();
        using var response = await factory.CreateClient().PostAsJsonAsync(Jobs, VideoGenerate("pro", "/voice.mp3"));
        var report = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal("fail", (string?)report["verdict"]);
        Assert.All(report["assets"]!.AsArray(),
            a => Assert.Equal([FindingCodes.UrlBlocked], a!["findings"]!.AsArray().Select(f => (string?)f!["code"])));
        Assert.Equal(0, _server.ConnectionCount);
    }

    [Theory]
    [InlineData("{\"endpoint\": \"video/generate\", ", "not valid JSON")]
    [InlineData("[1,2]", "must be a JSON object, not array")]
    [InlineData("\"video/generate\"", "must be a JSON object, not string")]
    [InlineData("null", "must be a JSON object, not null")]
    [InlineData("{\"endpoint\": \"video/generate\", \"plan\": 5}", "not valid JSON")]
    [InlineData("{\"endpoint\": \"video/generate\", \"plan\": \"gold\", \"request\": {}}", "Unknown plan 'gold'")]
    [InlineData("{\"endpoint\": \"video/generate\", \"creditsRemaining\": -1, \"request\": {}}", "must not be negative")]
    public async Task PostJobs_BadBody_Answers400WithoutFetching(string json, string detail)
    {
        using var response = await _factory.CreateClient().PostAsync(Jobs, new StringContent(json, Encoding.UTF8, "application/json"));

        await ProblemTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, detail);
        Assert.Equal(0, _server.ConnectionCount);
    }

    [Fact]
    public async Task PostJobs_NumberBeyondDouble_Answers200FailNot500()
    {
        const string json = "{\"endpoint\": \"streaming.task\", \"plan\": \"pro\", \"request\": {\"text\": \"hi\", \"sessionMinutes\": 1e400}}";
        using var response = await _factory.CreateClient().PostAsync(Jobs, new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var report = JsonNode.Parse(body)!;
        Assert.Equal("fail", (string?)report["verdict"]);
        Assert.Equal("/sessionMinutes", (string?)Assert.Single(report["findings"]!.AsArray())!["path"]);
    }

    [Fact]
    public async Task PostJobs_MoreDistinctAssetUrlsThanAllowed_Answers400WithoutFetching()
    {
        using var factory = new PreflightApiFactory(("Preflight:Fetch:AllowPrivateNetworks", "true"), ("Preflight:Jobs:MaxAssets", "2"));
        var urls = new[] { "/voice.mp3", "/background.png", "/clip.mp4" }.Select(p => new { url = _server.Url(p).ToString() }).ToArray();

        using var response = await factory.CreateClient().PostAsJsonAsync(Jobs, new { endpoint = "photo_avatar/train", request = new { urls } });

        await ProblemTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "at most 2");
        Assert.Equal(0, _server.ConnectionCount);
    }

    [Fact]
    public async Task PostJobs_ManyAssetsOnOneHost_FetchedAtMostThePerHostBoundAtOnceAndAllChecked()
    {
        const int assets = 12;
        using var factory = new PreflightApiFactory(
            ("Preflight:Fetch:AllowPrivateNetworks", "true"),
            ("Preflight:Fetch:MaxConcurrency", "8"),
            ("Preflight:Fetch:MaxConcurrentPerHost", "2"),
            ("Preflight:Jobs:MaxConcurrentAssets", "8"));
        var png = File.ReadAllBytes(RepoPaths.TestFile("valid", "image-160x90.png"));
        int now = 0, max = 0;
        await using var server = await LoopbackHttpServer.StartAsync(routes => routes.MapGet("/{name}.png", async context =>
        {
            var at = Interlocked.Increment(ref now);
            InterlockedMax(ref max, at);
            try
            {
                // Long enough that fetches would overlap if nothing held them back.
                await Task.Delay(100, RecordedRequest.Of(context).Cancelled);
                await LoopbackResponses.Bytes(png, "image/png")(context);
            }
            finally
            {
                Interlocked.Decrement(ref now);
            }
        }));
        var urls = Enumerable.Range(0, assets).Select(i => new { url = server.Url($"/face{i}.png").ToString() }).ToArray();

        using var response = await factory.CreateClient().PostAsJsonAsync(Jobs, new { endpoint = "photo_avatar/train", request = new { urls } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(assets, report["assets"]!.AsArray().Count);
        Assert.All(report["assets"]!.AsArray(), a => Assert.Equal("pass", (string?)a!["verdict"]));
        Assert.Equal(assets, server.Requests.Count);
        Assert.InRange(max, 1, 2);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        for (var seen = Volatile.Read(ref target); value > seen; seen = Volatile.Read(ref target))
        {
            if (Interlocked.CompareExchange(ref target, value, seen) == seen) return;
        }
    }

    [Fact]
    public async Task PostJobs_NotJson_Answers415()
    {
        using var response = await _factory.CreateClient().PostAsync(Jobs, new StringContent("endpoint=video/generate", Encoding.UTF8, "text/plain"));

        await ProblemTests.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "application/json");
    }

    [Fact]
    public async Task PostJobs_ApiKeysConfigured_MissingKeyAnswers401()
    {
        using var factory = new PreflightApiFactory(("Preflight:ApiKeys:0", "job-secret"));

        using var response = await factory.CreateClient().PostAsJsonAsync(Jobs, new { endpoint = "video/teleport" });

        await ProblemTests.AssertProblemAsync(response, HttpStatusCode.Unauthorized, "X-Api-Key");
    }

    [Fact]
    public async Task PostJobs_EnterpriseLengthConfigured_LongerJobFailsOnEnterprise()
    {
        using var factory = new PreflightApiFactory(("Preflight:Fetch:AllowPrivateNetworks", "true"), ("Preflight:Jobs:EnterpriseMaxVideoSeconds", "1"));

        using var response = await factory.CreateClient().PostAsJsonAsync(Jobs, VideoGenerate("enterprise", "/voice.mp3"));
        var report = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal("fail", (string?)report["verdict"]);
        Assert.Contains(FindingCodes.JobDurationExceedsPlan, report["findings"]!.AsArray().Select(f => (string?)f!["code"]));
    }

    [Fact]
    public async Task GetOpenApi_DescribesJobsStagedAndHealth()
    {
        var document = await _factory.CreateClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        var paths = document!["paths"]!.AsObject();
        var jobs = paths["/v1/preflight/jobs"]!["post"]!;
        Assert.False(string.IsNullOrWhiteSpace((string?)jobs["summary"]));
        Assert.Contains("Preflight", jobs["tags"]!.AsArray().Select(t => (string?)t));
        Assert.Equal("Staging", (string?)paths["/staged/{name}"]!["get"]!["tags"]![0]);
    }

    private object VideoGenerate(string plan, string audioPath) => new
    {
        endpoint = "video/generate",
        plan,
        request = new
        {
            dimension = new { width = 1280, height = 720 },
            video_inputs = new[]
            {
                new
                {
                    character = new { type = "avatar", avatar_id = "Daisy-inskirt-20220818" },
                    voice = new { type = "audio", audio_url = _server.Url(audioPath).ToString() },
                    background = new { type = "image", url = _server.Url("/background.png").ToString() },
                },
            },
        },
    };

    private async Task<JsonObject> CheckAsync(object job)
    {
        using var response = await _factory.CreateClient().PostAsJsonAsync(Jobs, job);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    private static RequestDelegate Serve(string testFile, string contentType) =>
        LoopbackResponses.Bytes(File.ReadAllBytes(RepoPaths.TestFile(testFile.Split('/'))), contentType);
}
