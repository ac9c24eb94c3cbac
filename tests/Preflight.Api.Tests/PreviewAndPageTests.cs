using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Preflight.TestSupport;

namespace Preflight.Api.Tests;

/// <summary><c>?previews=true</c>, <c>GET /v1/previews/{sha256}</c> and the page's files at <c>/</c>.</summary>
public sealed class PreviewAndPageTests : IDisposable
{
    private readonly PreflightApiFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private static byte[] Jpeg => File.ReadAllBytes(RepoPaths.TestFile("valid", "image-320x180.jpg"));

    [Fact]
    public async Task PostFiles_WithPreviews_InlinesThePreviewAndServesItByHash()
    {
        var client = _factory.CreateClient();
        using var response = await client.PostAsync("/v1/preflight/files?previews=true", TestMedia.Multipart(("poster.jpg", Jpeg)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var file = (await response.Content.ReadFromJsonAsync<JsonObject>())!["files"]![0]!;
        var preview = file["preview"]!;
        Assert.Equal("thumbnail", (string?)preview["kind"]);
        Assert.Equal(320, (int)preview["width"]!);
        var dataUrl = (string)preview["dataUrl"]!;
        Assert.StartsWith("data:image/jpeg;base64,", dataUrl);
        var sha = (string)file["sha256"]!;
        Assert.EndsWith($"/v1/previews/{sha}", (string)preview["url"]!);

        using var served = await client.GetAsync($"/v1/previews/{sha}");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/jpeg", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Convert.FromBase64String(dataUrl["data:image/jpeg;base64,".Length..]), await served.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task PostFiles_WithoutPreviews_HasNoPreviewMember()
    {
        using var response = await _factory.CreateClient().PostAsync("/v1/preflight/files", TestMedia.Multipart(("poster.jpg", Jpeg)));

        var file = (await response.Content.ReadFromJsonAsync<JsonObject>())!["files"]![0]!.AsObject();
        Assert.False(file.ContainsKey("preview"));
    }

    [Fact]
    public async Task PostFiles_PreviewOfAFailingFile_KeepsItsVerdictAndFindings()
    {
        var client = _factory.CreateClient();
        var text = TestMedia.Text;
        using var plain = await client.PostAsync("/v1/preflight/files", TestMedia.Multipart(("clip.mp4", text)));
        using var withPreviews = await client.PostAsync("/v1/preflight/files?previews=true", TestMedia.Multipart(("clip.mp4", text)));

        var a = (await plain.Content.ReadFromJsonAsync<JsonObject>())!["files"]![0]!;
        var b = (await withPreviews.Content.ReadFromJsonAsync<JsonObject>())!["files"]![0]!;
        Assert.Equal("fail", (string?)b["verdict"]);
        Assert.Equal(a["findings"]!.ToJsonString(), b["findings"]!.ToJsonString());
        Assert.False(b.AsObject().ContainsKey("preview"));
    }

    [Theory]
    [InlineData("/v1/previews/" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", HttpStatusCode.NotFound)]
    [InlineData("/v1/previews/not-a-hash", HttpStatusCode.BadRequest)]
    public async Task GetPreview_UnknownOrMalformed_IsAProblem(string path, HttpStatusCode expected)
    {
        using var response = await _factory.CreateClient().GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PostFiles_PreviewsNotABoolean_Is400()
    {
        using var response = await _factory.CreateClient().PostAsync("/v1/preflight/files?previews=maybe", TestMedia.Multipart(("poster.jpg", Jpeg)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task OpenApi_DocumentsThePreviewEndpointAndParameter()
    {
        var doc = await _factory.CreateClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        var paths = doc!["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/v1/previews/{sha256}"));
        var parameters = paths["/v1/preflight/files"]!["post"]!["parameters"]!.AsArray().Select(p => (string?)p!["name"]);
        Assert.Contains("previews", parameters);
        Assert.False(paths.ContainsKey("/"));
    }

    [Fact]
    public async Task Root_ServesThePageWithAStrictContentSecurityPolicy()
    {
        var client = _factory.CreateClient();
        using var page = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("aria-label=\"Choose files\"", html);
        // Nothing from another origin: no CDN, works offline.
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html);
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("script-src 'self'", csp);

        foreach (var asset in new[] { "/page/page.js", "/page/page.css", "/page/cards.js", "/page/cards.css" })
        {
            using var response = await client.GetAsync(asset);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        using var missing = await client.GetAsync("/page/nothing.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
