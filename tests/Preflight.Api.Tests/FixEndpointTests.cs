using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
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

    [Fact]
    public async Task FixFiles_UnknownPlan_IsA400Problem()
    {
        using var response = await _factory.CreateClient().PostAsync("/v1/fix/files?plan=gold",
            TestMedia.Multipart(("poster.png", Test("valid", "image-160x90.png"))));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
