using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Preflight.TestSupport;

namespace Preflight.Api.Tests;

public sealed class FixEndpointTests : IDisposable
{
    private readonly PreflightApiFactory _factory = new();

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
public sealed class FixUrlEndpointTests : IAsyncLifetime
{
    private static readonly byte[] PngNamedJpg = File.ReadAllBytes(RepoPaths.TestFile("mislabeled", "png-named.jpg"));

    private readonly PreflightApiFactory _factory = new(
        ("Preflight:Fetch:AllowPrivateNetworks", "true"),
        ("Preflight:Fetch:Timeout", "00:00:03"));
    private LoopbackHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackHttpServer.StartAsync(routes =>
    {
        routes.MapGet("/poster.jpg", LoopbackResponses.Bytes(PngNamedJpg, "image/jpeg"));
        routes.MapGet("/share.mp4", LoopbackResponses.Text("<!doctype html><html><body>Shared video</body></html>", "text/html"));
        routes.MapGet("/gone.png", LoopbackResponses.Status(410));
    });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _factory.Dispose();
    }

    private async Task<JsonNode> FixOneAsync(string path)
    {
        using var response = await _factory.CreateClient().PostAsJsonAsync("/v1/fix/urls",
            new { assets = new[] { new { url = _server.Url(path).ToString() } } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.NotNull(report!["fixes"]);
        return report["files"]![0]!;
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
