using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Api.Tests;

/// <summary>
/// <c>POST /v1/preflight/urls</c> end to end against a loopback server. With AllowPrivateNetworks on, the fetcher
/// may connect to 127.0.0.1; only loopback is ever connected to.
/// </summary>
public sealed class UrlEndpointTests : IAsyncLifetime
{
    private const string Urls = "/v1/preflight/urls";
    private static readonly byte[] Wav = TestMedia.Wav();

    // A short whole-fetch timeout, so the slow-server test ends soon; a test that streams a lot uses its own (WithTimeout).
    private readonly PreflightApiFactory _factory = WithTimeout("00:00:03");
    private LoopbackHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackHttpServer.StartAsync(routes =>
    {
        routes.MapGet("/voice.wav", LoopbackResponses.Bytes(Wav, "audio/wav"));
        routes.MapGet("/download", LoopbackResponses.Bytes(Wav, "application/octet-stream"));
        routes.MapGet("/labelled", LoopbackResponses.Bytes(Wav, "audio/wav"));
        routes.MapGet("/mislabelled.wav", LoopbackResponses.Bytes(Wav, "image/png"));
        routes.MapGet("/old.wav", LoopbackResponses.Redirect("/voice.wav", StatusCodes.Status301MovedPermanently));
        routes.MapGet("/private.wav", LoopbackResponses.Status(403));
        routes.MapGet("/login-wall.wav", LoopbackResponses.Redirect("/accounts/login?next=/x.wav"));
        routes.MapGet("/gone.wav", LoopbackResponses.Status(410));
        routes.MapGet("/broken.wav", LoopbackResponses.Status(500));
        routes.MapGet("/share.mp4", LoopbackResponses.Text("<!doctype html><html><body>Shared video</body></html>", "text/html"));
        routes.MapGet("/huge-declared.mp4", LoopbackResponses.DeclareThenStall(500_000_000));
        routes.MapGet("/endless.png", LoopbackResponses.Endless(80_000_000));
        routes.MapGet("/slow.wav", LoopbackResponses.Delayed(TimeSpan.FromMinutes(5), LoopbackResponses.Bytes(Wav, "audio/wav")));
    });

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _factory.Dispose();
    }

    [Fact]
    public async Task PostUrls_ValidWav_PassesWithSourceObject()
    {
        var url = _server.Url("/voice.wav?sig=abc").ToString();
        var file = await CheckOneAsync(new { url });

        Assert.Equal(url, (string?)file["path"]);
        Assert.Equal("audio", (string?)file["kind"]);
        Assert.Equal("pass", (string?)file["verdict"]);
        Assert.Equal(Wav.Length, (long)file["sizeBytes"]!);
        var source = file["source"]!;
        Assert.Equal(url, (string?)source["url"]);
        Assert.Equal(url, (string?)source["finalUrl"]);
        Assert.Equal(200, (int)source["httpStatus"]!);
        Assert.Equal("audio/wav", (string?)source["contentType"]);
        Assert.Equal(Wav.Length, (long)source["contentLength"]!);
        Assert.Equal(0, (int)source["redirects"]!);
    }

    [Fact]
    public async Task PostUrls_Redirect_IsFollowedAndCounted()
    {
        var file = await CheckOneAsync(new { url = _server.Url("/old.wav").ToString() });

        Assert.Equal("pass", (string?)file["verdict"]);
        Assert.Equal(1, (int)file["source"]!["redirects"]!);
        Assert.EndsWith("/voice.wav", (string?)file["source"]!["finalUrl"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/private.wav", FindingCodes.UrlNotPublic)]
    [InlineData("/login-wall.wav", FindingCodes.UrlNotPublic)]
    [InlineData("/gone.wav", FindingCodes.UrlNotFound)]
    [InlineData("/broken.wav", FindingCodes.UrlHttpError)]
    [InlineData("/share.mp4", FindingCodes.UrlReturnsHtml)]
    [InlineData("/huge-declared.mp4", FindingCodes.FileTooLarge)]
    public async Task PostUrls_ServerProblem_IsAFailEntryInA200Report(string path, string code)
    {
        var file = await CheckOneAsync(new { url = _server.Url(path).ToString() });

        Assert.Equal("fail", (string?)file["verdict"]);
        Assert.Contains(code, Codes(file));
        Assert.NotNull(file["source"]);
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/a.wav")]
    [InlineData("http://user:secret@127.0.0.1/a.wav")]
    [InlineData("not a url")]
    public async Task PostUrls_InvalidUrl_IsUrlInvalidWithoutConnecting(string url)
    {
        var file = await CheckOneAsync(new { url });

        Assert.Equal([FindingCodes.UrlInvalid], Codes(file));
        Assert.Equal(0, _server.ConnectionCount);
    }

    [Fact]
    public async Task PostUrls_NothingListening_IsUrlUnreachable()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var file = await CheckOneAsync(new { url = $"http://127.0.0.1:{port}/a.wav" });

        Assert.Equal([FindingCodes.UrlUnreachable], Codes(file));
    }

    [Fact]
    public async Task PostUrls_SlowServer_TimesOutAsUnreachable()
    {
        var file = await CheckOneAsync(new { url = _server.Url("/slow.wav").ToString() });

        Assert.Equal([FindingCodes.UrlUnreachable], Codes(file));
        Assert.Contains("timed out", (string?)file["findings"]![0]!["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostUrls_ChunkedBodyOverTheKindLimit_TooLargeAndReadingStops()
    {
        // ~50 MB through loopback Kestrel: on a loaded machine that can take longer than the class's 3 s, which would
        // end it as url.unreachable before the size limit is reached.
        using var patient = WithTimeout("00:01:00");
        var file = await CheckOneAsync(new { url = _server.Url("/endless.png").ToString(), kind = "image" }, patient);

        Assert.Equal([FindingCodes.FileTooLarge], Codes(file));
        Assert.Equal("image", (string?)file["kind"]);
        var record = Assert.Single(_server.Requests);
        await record.WhenAborted.WaitAsync(TimeSpan.FromSeconds(30));
        // The image limit is 50 MB; the server had 80 MB to give and the fetcher hung up near the limit.
        Assert.InRange(_server.BytesSent, 50_000_000, 70_000_000);
    }

    [Fact]
    public async Task PostUrls_ContentTypeDisagreesWithBytes_WarnsWithoutFailing()
    {
        var file = await CheckOneAsync(new { url = _server.Url("/mislabelled.wav").ToString() });

        Assert.Equal("pass", (string?)file["verdict"]);
        var warning = file["findings"]!.AsArray().Single(f => (string?)f!["code"] == FindingCodes.UrlContentTypeMismatch)!;
        Assert.Equal("warning", (string?)warning["severity"]);
    }

    [Theory]
    [InlineData("/labelled")] // no extension: the Content-Type says audio
    [InlineData("/download")] // no extension, generic Content-Type: the bytes say audio
    public async Task PostUrls_NoKindAndNoExtension_KindInferred(string path)
    {
        var file = await CheckOneAsync(new { url = _server.Url(path).ToString() });

        Assert.Equal("audio", (string?)file["kind"]);
        Assert.Equal("pass", (string?)file["verdict"]);
    }

    [Fact]
    public async Task PostUrls_DeclaredKindDisagreesWithBytes_FailsAsMismatch()
    {
        var file = await CheckOneAsync(new { url = _server.Url("/voice.wav").ToString(), kind = "video" });

        Assert.Equal("video", (string?)file["kind"]);
        Assert.Equal("fail", (string?)file["verdict"]);
    }

    [Fact]
    public async Task PostUrls_SeveralAssets_OneEntryEachInOrderAndPlanEchoed()
    {
        using var response = await _factory.CreateClient().PostAsJsonAsync(Urls, new
        {
            assets = new object[] { new { url = _server.Url("/voice.wav").ToString() }, new { url = _server.Url("/gone.wav").ToString() } },
            plan = "Pro",
        });
        var report = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal("pro", (string?)report!["plan"]);
        Assert.Equal(2, (int)report["summary"]!["files"]!);
        Assert.Equal(1, (int)report["summary"]!["failed"]!);
        Assert.EndsWith("/gone.wav", (string?)report["files"]![1]!["path"], StringComparison.Ordinal);
        Assert.Empty(_factory.FilesLeftInUploadFolder());
    }

    [Fact]
    public async Task PostUrls_SignedUrl_QueryStringNeverLogged()
    {
        await CheckOneAsync(new { url = _server.Url("/voice.wav?X-Amz-Signature=TOPSECRETSIG").ToString() });

        Assert.Contains(_factory.Logs.Lines, l => l.Contains("/voice.wav", StringComparison.Ordinal));
        Assert.DoesNotContain(_factory.Logs.Lines, l => l.Contains("TOPSECRETSIG", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"assets\": [", "not valid JSON")]
    [InlineData("{\"assets\": []}", "no assets")]
    [InlineData("{}", "no assets")]
    [InlineData("null", "null")]
    [InlineData("{\"assets\": [{\"url\": \"https://x.example/a.mp4\", \"kind\": \"gif\"}]}", "kind must be video, image or audio")]
    [InlineData("{\"assets\": [{\"kind\": \"video\"}]}", "url is missing")]
    [InlineData("{\"assets\": [{\"url\": \"https://x.example/a.mp4\"}], \"plan\": \"gold\"}", "Unknown plan")]
    public async Task PostUrls_BadBody_Answers400WithoutFetching(string json, string detail)
    {
        using var response = await _factory.CreateClient().PostAsync(Urls, new StringContent(json, Encoding.UTF8, "application/json"));

        await ProblemTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, detail);
        Assert.Equal(0, _server.ConnectionCount);
    }

    [Fact]
    public async Task PostUrls_NotJson_Answers415()
    {
        using var response = await _factory.CreateClient().PostAsync(Urls, new StringContent("url=http://x", Encoding.UTF8, "text/plain"));

        await ProblemTests.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "application/json");
    }

    [Fact]
    public async Task PostUrls_ServerWithRanges_QuickReadsTheHeaderHashReadsWhole()
    {
        // 16-bit mono 22.05 kHz, 15 s: past the 256 KB the first range asks for.
        var wav = new byte[44 + 661_500];
        var header = new System.IO.BinaryWriter(new MemoryStream(wav));
        header.Write("RIFF"u8); header.Write(wav.Length - 8); header.Write("WAVEfmt "u8); header.Write(16);
        header.Write((short)1); header.Write((short)1); header.Write(22050); header.Write(44100); header.Write((short)2); header.Write((short)16);
        header.Write("data"u8); header.Write(661_500);
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/long.wav", LoopbackRanges.Serve(() => wav, new RangeServing { ContentType = "audio/wav" })));
        var url = server.Url("/long.wav").ToString();

        var quick = await CheckOneAsync(new { url });
        using var hashed = await _factory.CreateClient().PostAsJsonAsync(Urls + "?hash=true", new { assets = new[] { new { url } } });
        using var hashedByBody = await _factory.CreateClient().PostAsJsonAsync(Urls, new { assets = new[] { new { url } }, hash = true });

        Assert.Equal("pass", (string?)quick["verdict"]);
        Assert.Equal(wav.Length, (long)quick["sizeBytes"]!);
        Assert.Null(quick["sha256"]);
        Assert.False((bool)quick["source"]!["complete"]!);
        Assert.Equal(1, (int)quick["source"]!["rangeRequests"]!);
        Assert.InRange((long)quick["source"]!["bytesFetched"]!, 1, 256 * 1024);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(wav));
        foreach (var response in new[] { hashed, hashedByBody })
        {
            var file = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["files"]![0]!;
            Assert.Equal("pass", (string?)file["verdict"]);
            Assert.Equal(sha, (string?)file["sha256"]);
            Assert.Null(file["source"]!["complete"]);
        }
    }

    private static PreflightApiFactory WithTimeout(string timeout) => new(
        ("Preflight:Fetch:AllowPrivateNetworks", "true"),
        ("Preflight:Fetch:Timeout", timeout));

    private async Task<JsonNode> CheckOneAsync(object asset, PreflightApiFactory? factory = null)
    {
        using var response = await (factory ?? _factory).CreateClient().PostAsJsonAsync(Urls, new { assets = new[] { asset } });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!["files"]![0]!;
    }

    private static List<string?> Codes(JsonNode file) => file["findings"]!.AsArray().Select(f => (string?)f!["code"]).ToList();
}
