using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Preflight.Core.Reports;
using Preflight.TestSupport;
using Preflight.TestSupport.Mutations;

namespace Preflight.Api.Tests;

/// <summary>
/// Inputs whose fix each request option changes, made by ffmpeg once per test class (tiny, so fixing them is quick),
/// and the profile <c>short</c> loaded through <c>Preflight:ProfilePaths</c>: HeyGen's, but audio may last 1 s and an
/// image may weigh 1,000 bytes, so a 2 s WAV needs a trim and a small PNG is over the size limit.
/// </summary>
public sealed class FixInputs : IDisposable
{
    private readonly TempDir _dir = new();

    public FixInputs()
    {
        LongWav = MutationSeeds.Generate(_dir.Path, "two-seconds", ".wav", "-f lavfi -i sine=frequency=440:sample_rate=8000 -t 2 -ac 1 -c:a pcm_s16le").Bytes;
        Video = MutationSeeds.Generate(_dir.Path, "1024x768", ".mp4",
            "-f lavfi -i testsrc=size=1024x768:rate=25 -t 0.2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -movflags +faststart").Bytes;
        ProfilePath = _dir.Write("short.json", """
            {"name": "short", "extends": "heygen", "title": "HeyGen with tiny limits (tests)",
             "kinds": {"audio": {"maxDurationSeconds": {"value": 1, "source": "test: a 2 s file is over-long"}},
                       "image": {"maxBytes": {"value": 1000, "source": "test: a 2 KB PNG is over the limit"}}}}
            """u8.ToArray());
    }

    /// <summary>2 s of audio: passes HeyGen's 600 s, over <c>short</c>'s 1 s.</summary>
    public byte[] LongWav { get; }

    /// <summary>The first half of <see cref="LongWav"/>: its header still declares 2 s, so only a salvage can fix it.</summary>
    public byte[] TruncatedWav => LongWav[..(LongWav.Length / 2)];

    /// <summary>1024×768: under 2K (passes without a plan), over the free plan's 720p.</summary>
    public byte[] Video { get; }

    public string ProfilePath { get; }

    public (string Name, byte[] Bytes) Named(string name) => name switch
    {
        "long.wav" => (name, LongWav),
        "truncated.wav" => (name, TruncatedWav),
        "video.mp4" => (name, Video),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such input"),
    };

    public void Dispose() => _dir.Dispose();
}

public sealed class FixEndpointTests(FixInputs inputs) : IClassFixture<FixInputs>, IDisposable
{
    private readonly PreflightApiFactory _factory = new(("Preflight:ProfilePaths:0", inputs.ProfilePath));

    public void Dispose() => _factory.Dispose();

    private static byte[] Test(string folder, string name) => File.ReadAllBytes(RepoPaths.TestFile(folder, name));

    private async Task<JsonNode> FixAsync(string name, byte[] bytes, string query = "")
    {
        using var response = await _factory.CreateClient().PostAsync("/v1/fix/files" + query, TestMedia.Multipart((name, bytes)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.NotNull(report!["fixes"]);
        return report["files"]![0]!;
    }

    /// <summary>The entry's fix has <paramref name="status"/>: fixed by <paramref name="option"/>'s op, or needing it.</summary>
    internal static void AssertFix(JsonNode file, string status, string? option)
    {
        var fix = file["fix"]!;
        Assert.True(status == (string?)fix["status"], $"expected {status}: {fix.ToJsonString()}");
        if (status == "fixed")
        {
            Assert.Contains(fix["operations"]!.AsArray(), o => (string?)o!["op"] == option);
            // Re-inspected with the request's profile and plan: the option really made it pass them.
            Assert.Equal("pass", (string?)fix["after"]!["verdict"]);
            Assert.StartsWith("http://localhost/staged/", (string?)fix["output"], StringComparison.Ordinal);
            return;
        }
        Assert.Null(fix["output"]);
        // The reason names the option as an HTTP client gives it, not as the CLI's flag.
        if (status == "needs_option")
        {
            Assert.Contains($"Run with {option}=true", (string?)fix["reason"], StringComparison.Ordinal);
            Assert.DoesNotContain("--", (string?)fix["reason"], StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("long.wav", "", "not_needed", null)]
    [InlineData("long.wav", "?profile=short", "needs_option", "trim")]
    [InlineData("long.wav", "?profile=short&trim=false", "needs_option", "trim")]
    [InlineData("long.wav", "?profile=short&trim=true", "fixed", "trim")]
    [InlineData("truncated.wav", "", "needs_option", "salvage")]
    [InlineData("truncated.wav", "?salvage=true", "fixed", "salvage")]
    [InlineData("video.mp4", "", "not_needed", null)]
    [InlineData("video.mp4", "?plan=pro", "not_needed", null)]
    [InlineData("video.mp4", "?plan=free", "fixed", "scale")]
    public async Task FixFiles_QueryOptions_DecideTheOutcome(string name, string query, string status, string? option)
    {
        var (fileName, bytes) = inputs.Named(name);
        var file = await FixAsync(fileName, bytes, query);

        AssertFix(file, status, option);
    }

    [Fact]
    public async Task FixFiles_Salvaged_ReportsTheLostSeconds()
    {
        var file = await FixAsync("truncated.wav", inputs.TruncatedWav, "?salvage=true");

        Assert.Equal("fixed", (string?)file["fix"]!["status"]);
        // Half of a 2 s file is missing.
        Assert.InRange((double)file["fix"]!["lost"]!["seconds"]!, 0.5, 1.5);
    }

    [Fact]
    public async Task FixFiles_UploadOverTheSelectedProfilesSizeLimit_NotFixable()
    {
        var png = Test("valid", "image-160x90.png");
        Assert.InRange(png.Length, 1001, 50_000_000);

        var within = await FixAsync("poster.png", png);
        var over = await FixAsync("poster.png", png, "?profile=short");

        Assert.Equal("not_needed", (string?)within["fix"]!["status"]);
        Assert.Equal("fail", (string?)over["verdict"]);
        Assert.Equal(png.Length, (long)over["sizeBytes"]!);
        Assert.Contains(over["findings"]!.AsArray(), f => (string?)f!["code"] == FindingCodes.FileTooLarge);
        AssertFix(over, "not_fixable", null);
        Assert.Contains("over the size limit", (string?)over["fix"]!["reason"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mov-named.mp4", "video/mp4", ".mp4")]
    [InlineData("png-named.jpg", "image/png", ".png")]
    public async Task FixFiles_Mislabeled_FixedWithAStagedOutputThatGetReturns(string name, string contentType, string extension)
    {
        var file = await FixAsync(name, Test("mislabeled", name));

        Assert.Equal("fail", (string?)file["verdict"]);
        var fix = file["fix"]!;
        Assert.Equal("fixed", (string?)fix["status"]);
        Assert.Equal("pass", (string?)fix["after"]!["verdict"]);
        var output = (string?)fix["output"];
        Assert.NotNull(output);
        Assert.StartsWith("http://localhost/staged/", output, StringComparison.Ordinal);
        Assert.EndsWith(extension, output, StringComparison.Ordinal);

        using var fetched = await _factory.CreateClient().GetAsync(new Uri(output).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal(contentType, fetched.Content.Headers.ContentType?.MediaType);
        var bytes = await fetched.Content.ReadAsByteArrayAsync();
        Assert.Equal(Path.GetFileNameWithoutExtension(new Uri(output).AbsolutePath), Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    [Fact]
    public async Task FixFiles_PassingFile_NotNeededWithoutOutput()
    {
        var file = await FixAsync("poster.png", Test("valid", "image-160x90.png"));

        Assert.Equal("pass", (string?)file["verdict"]);
        Assert.Equal("not_needed", (string?)file["fix"]!["status"]);
        Assert.Null(file["fix"]!["output"]);
    }

    [Fact]
    public async Task FixFiles_HtmlNamedMp4_NotFixable()
    {
        var file = await FixAsync("clip.mp4", Test("unsupported", "html-error-page.mp4"));

        Assert.Equal("fail", (string?)file["verdict"]);
        Assert.Equal("not_fixable", (string?)file["fix"]!["status"]);
        Assert.Null(file["fix"]!["output"]);
        Assert.False(string.IsNullOrEmpty((string?)file["fix"]!["reason"]));
    }

    [Fact]
    public async Task FixFiles_NoFilePart_IsA400Problem()
    {
        using var form = new MultipartFormDataContent { { new StringContent("hello"), "note" } };
        using var response = await _factory.CreateClient().PostAsync("/v1/fix/files", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/v1/fix/files")]
    [InlineData("/v1/fix/urls")]
    public async Task Fix_EverySlotTaken_SecondRequestGets503WithRetryAfterAndTheFirstCompletes(string secondPath)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var factory = new PreflightApiFactory(("Preflight:Fix:MaxConcurrent", "1"))
        {
            // The first fix holds the only slot while it "inspects": the test decides when it may go on.
            Inspect = async (request, _, ct) =>
            {
                entered.TrySetResult();
                await release.Task.WaitAsync(ct);
                return new Core.Reports.FileReport { Path = request.DisplayPath, Kind = Core.Reports.AssetKind.Image, Verdict = Core.Reports.Verdict.Pass };
            },
        };
        var client = factory.CreateClient();

        var first = client.PostAsync("/v1/fix/files", TestMedia.Multipart(("poster.png", Test("valid", "image-160x90.png"))));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // Refused before anything is fetched: the URL is never connected to.
        using var refused = secondPath == "/v1/fix/files"
            ? await client.PostAsync(secondPath, TestMedia.Multipart(("other.png", Test("valid", "image-160x90.png"))))
            : await client.PostAsJsonAsync(secondPath, new { assets = new[] { new { url = "http://127.0.0.1:9/never-fetched.png" } } });
        release.SetResult();
        using var admitted = await first;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(503, (int?)problem!["status"]);
        Assert.Equal("Service busy", (string?)problem["title"]);
        Assert.Contains("Preflight:Fix:MaxConcurrent", (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal("5", Assert.Single(refused.Headers.GetValues("Retry-After")));

        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        var report = await admitted.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("not_needed", (string?)report!["files"]![0]!["fix"]!["status"]);

        // The slot is free again: the next request is admitted.
        using var after = await client.PostAsync("/v1/fix/files", TestMedia.Multipart(("again.png", Test("valid", "image-160x90.png"))));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task FixFiles_UnknownPlan_IsA400Problem()
    {
        using var response = await _factory.CreateClient().PostAsync("/v1/fix/files?plan=gold",
            TestMedia.Multipart(("poster.png", Test("valid", "image-160x90.png"))));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

/// <summary><c>POST /v1/fix/urls</c> against a loopback server (AllowPrivateNetworks on; only loopback is connected to).</summary>
public sealed class FixUrlEndpointTests(FixInputs inputs) : IClassFixture<FixInputs>, IAsyncLifetime
{
    private static readonly byte[] PngNamedJpg = File.ReadAllBytes(RepoPaths.TestFile("mislabeled", "png-named.jpg"));

    private readonly PreflightApiFactory _factory = new(
        ("Preflight:Fetch:AllowPrivateNetworks", "true"),
        ("Preflight:Fetch:Timeout", "00:00:03"),
        ("Preflight:ProfilePaths:0", inputs.ProfilePath));
    private LoopbackHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackHttpServer.StartAsync(routes =>
    {
        routes.MapGet("/poster.jpg", LoopbackResponses.Bytes(PngNamedJpg, "image/jpeg"));
        routes.MapGet("/share.mp4", LoopbackResponses.Text("<!doctype html><html><body>Shared video</body></html>", "text/html"));
        routes.MapGet("/gone.png", LoopbackResponses.Status(410));
        routes.MapGet("/long.wav", LoopbackResponses.Bytes(inputs.LongWav, "audio/wav"));
        routes.MapGet("/truncated.wav", LoopbackResponses.Bytes(inputs.TruncatedWav, "audio/wav"));
        routes.MapGet("/video.mp4", LoopbackResponses.Bytes(inputs.Video, "video/mp4"));
    });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _factory.Dispose();
    }

    private Task<JsonNode> FixOneAsync(string path) =>
        FixOneAsync(new JsonObject { ["assets"] = new JsonArray(new JsonObject { ["url"] = _server.Url(path).ToString() }) });

    private async Task<JsonNode> FixOneAsync(JsonObject body, string query = "")
    {
        using var response = await _factory.CreateClient().PostAsJsonAsync("/v1/fix/urls" + query, body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.NotNull(report!["fixes"]);
        return report["files"]![0]!;
    }

    /// <summary>Options in the JSON body, the query, or both (the query's win).</summary>
    [Theory]
    [InlineData("/long.wav", "{}", "", "not_needed", null)]
    [InlineData("/long.wav", "{\"profile\": \"short\"}", "", "needs_option", "trim")]
    [InlineData("/long.wav", "{\"profile\": \"short\", \"trim\": true}", "", "fixed", "trim")]
    [InlineData("/long.wav", "{\"trim\": true}", "?profile=short", "fixed", "trim")]
    [InlineData("/long.wav", "{\"profile\": \"short\"}", "?trim=true", "fixed", "trim")]
    [InlineData("/long.wav", "{\"profile\": \"short\", \"trim\": true}", "?trim=false", "needs_option", "trim")]
    [InlineData("/long.wav", "{\"profile\": \"short\", \"trim\": true}", "?profile=heygen", "not_needed", null)]
    [InlineData("/truncated.wav", "{}", "", "needs_option", "salvage")]
    [InlineData("/truncated.wav", "{\"salvage\": true}", "", "fixed", "salvage")]
    [InlineData("/truncated.wav", "{}", "?salvage=true", "fixed", "salvage")]
    [InlineData("/truncated.wav", "{\"salvage\": true}", "?salvage=false", "needs_option", "salvage")]
    [InlineData("/video.mp4", "{}", "", "not_needed", null)]
    [InlineData("/video.mp4", "{\"plan\": \"free\"}", "", "fixed", "scale")]
    [InlineData("/video.mp4", "{}", "?plan=free", "fixed", "scale")]
    [InlineData("/video.mp4", "{\"plan\": \"free\"}", "?plan=pro", "not_needed", null)]
    public async Task FixUrls_BodyAndQueryOptions_DecideTheOutcome(string path, string body, string query, string status, string? option)
    {
        var request = JsonNode.Parse(body)!.AsObject();
        request["assets"] = new JsonArray(new JsonObject { ["url"] = _server.Url(path).ToString() });
        var file = await FixOneAsync(request, query);

        FixEndpointTests.AssertFix(file, status, option);
        Assert.Equal(200, (int?)file["source"]!["httpStatus"]);
    }

    [Fact]
    public async Task FixUrls_PngNamedJpg_FixedWithSourceAndAStagedOutput()
    {
        var file = await FixOneAsync("/poster.jpg");

        Assert.Equal("fixed", (string?)file["fix"]!["status"]);
        Assert.Equal(200, (int?)file["source"]!["httpStatus"]);
        var output = (string)file["fix"]!["output"]!;
        using var fetched = await _factory.CreateClient().GetAsync(new Uri(output).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        Assert.Equal("image/png", fetched.Content.Headers.ContentType?.MediaType);
        Assert.Equal(PngNamedJpg, await fetched.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/share.mp4")]
    [InlineData("/gone.png")]
    public async Task FixUrls_HtmlOrUnreachable_NotFixable(string path)
    {
        var file = await FixOneAsync(path);

        Assert.Equal("fail", (string?)file["verdict"]);
        Assert.Equal("not_fixable", (string?)file["fix"]!["status"]);
        Assert.Null(file["fix"]!["output"]);
    }

    [Fact]
    public async Task FixUrls_NoAssets_IsA400Problem()
    {
        using var response = await _factory.CreateClient().PostAsJsonAsync("/v1/fix/urls", new { assets = Array.Empty<object>() });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
