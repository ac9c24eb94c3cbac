using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Preflight.Core.Rules;

namespace Preflight.Api.Tests;

/// <summary>Profiles, health, the OpenAPI document and the API reference page.</summary>
public sealed class DiscoveryEndpointTests : IDisposable
{
    private readonly PreflightApiFactory _factory = new();
    private readonly HttpClient _client;

    public DiscoveryEndpointTests() => _client = _factory.CreateClient();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task GetProfiles_ReturnsEveryLimitWithItsSource()
    {
        var body = await _client.GetFromJsonAsync<JsonObject>("/v1/profiles");

        Assert.Equal("heygen", (string?)body!["active"]);
        var profile = body["profiles"]![0]!;
        var video = profile["kinds"]!["video"]!;
        Assert.Equal(Profile.HeyGen.LimitsFor(Core.Reports.AssetKind.Video)!.MaxBytes.Value, (long)video["maxBytes"]!["value"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)video["maxBytes"]!["source"]));
        Assert.Equal(Profile.HeyGen.PlanOrder.Count, profile["plans"]!.AsObject().Count);
    }

    [Fact]
    public async Task GetHealthz_ReportsToolUsabilityAsJson()
    {
        using var response = await _client.GetAsync("/healthz");
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var usable = (bool)body!["ffprobe"]!["usable"]! && (bool)body["ffmpeg"]!["usable"]!;
        Assert.Equal(usable ? "ok" : "degraded", (string?)body["status"]);
    }

    [Fact]
    public async Task GetOpenApi_DescribesBothPreflightEndpoints()
    {
        var document = await _client.GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        var paths = document!["paths"]!.AsObject();
        Assert.True(paths.ContainsKey("/v1/preflight/files"));
        Assert.True(paths.ContainsKey("/v1/preflight/urls"));
        Assert.True(paths.ContainsKey("/v1/profiles"));
        Assert.True(paths.ContainsKey("/healthz"));
    }

    [Theory]
    [InlineData("/v1/preflight/files")]
    [InlineData("/v1/preflight/urls")]
    [InlineData("/v1/preflight/jobs")]
    [InlineData("/v1/fix/files")]
    [InlineData("/v1/fix/urls")]
    public async Task GetOpenApi_PreflightEndpointsListEveryProblemStatus(string path)
    {
        var document = await _client.GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        var responses = document!["paths"]![path]!["post"]!["responses"]!.AsObject();
        Assert.Equal(["200", "400", "401", "413", "415", "429", "503", "504"], responses.Select(r => r.Key).Order());
    }

    [Theory]
    [InlineData("/v1/fix/files")]
    [InlineData("/v1/fix/urls")]
    public async Task GetOpenApi_FixEndpointsDocumentTheirQueryParameters(string path)
    {
        var document = await _client.GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        var parameters = document!["paths"]![path]!["post"]!["parameters"]!.AsArray()
            .Where(p => (string?)p!["in"] == "query").Select(p => (string)p!["name"]!);
        Assert.Equal(["plan", "profile", "salvage", "trim"], parameters.Order());
    }

    [Fact]
    public async Task GetOpenApi_FixUrlsBodyIsJsonWithAssetsAndEveryOption()
    {
        var document = await _client.GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        var schema = Resolve(document!, document!["paths"]!["/v1/fix/urls"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!);
        Assert.Equal(["assets", "plan", "profile", "salvage", "trim"], schema["properties"]!.AsObject().Select(p => p.Key).Order());
    }

    [Theory]
    [InlineData("/v1/preflight/files")]
    [InlineData("/v1/fix/files")]
    public async Task GetOpenApi_FilesBodyIsAFormWithPartsNamedFile(string path)
    {
        var document = await _client.GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        var schema = Resolve(document!, document!["paths"]![path]!["post"]!["requestBody"]!["content"]!["multipart/form-data"]!["schema"]!);
        var file = schema["properties"]!["file"]!;
        Assert.Equal("array", (string?)file["type"]);
        Assert.Equal("binary", (string?)Resolve(document, file["items"]!)["format"]);
    }

    private static JsonNode Resolve(JsonObject document, JsonNode schema) =>
        schema["$ref"] is { } reference ? document["components"]!["schemas"]![((string)reference!).Split('/')[^1]]! : schema;

    [Fact]
    public async Task GetDocs_ServesTheScalarReferencePage()
    {
        using var response = await _client.GetAsync("/docs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("<title>Preflight API</title>", page, StringComparison.Ordinal);
        Assert.Contains("openapi/v1.json", page, StringComparison.Ordinal);
    }
}
