using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Preflight.Core.Inspection;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Api.Tests;

public sealed class FileEndpointTests : IDisposable
{
    private readonly PreflightApiFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task PostFiles_ValidWav_PassesWithHashAndSize()
    {
        var wav = TestMedia.Wav();
        using var response = await _factory.CreateClient().PostAsync("/v1/preflight/files", TestMedia.Multipart(("voice.wav", wav)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonObject>();
        var file = report!["files"]![0]!;
        Assert.Equal("voice.wav", (string?)file["path"]);
        Assert.Equal("audio", (string?)file["kind"]);
        Assert.Equal("pass", (string?)file["verdict"]);
        Assert.Equal(wav.Length, (long)file["sizeBytes"]!);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(wav)), (string?)file["sha256"]);
    }

    [Fact]
    public async Task PostFiles_EmptyAndTextFiles_FailWithEngineFindingsInA200()
    {
        using var response = await _factory.CreateClient().PostAsync("/v1/preflight/files",
            TestMedia.Multipart(("empty.mp4", []), ("notes.txt", TestMedia.Text)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(2, (int)report!["summary"]!["files"]!);
        Assert.Equal(2, (int)report["summary"]!["failed"]!);
        var codes = report["files"]!.AsArray().Select(f => f!["findings"]!.AsArray().Select(x => (string?)x!["code"]).ToList()).ToList();
        Assert.Contains(FindingCodes.FileEmpty, codes[0]);
        Assert.Contains(FindingCodes.FormatUnsupported, codes[1]);
    }

    [Fact]
    public async Task PostFiles_Report_HasExactlyTheCliJsonShape()
    {
        using var temp = new TempDir();
        var inputs = new[] { ("voice.wav", TestMedia.Wav()), ("notes.txt", TestMedia.Text), ("empty.png", Array.Empty<byte>()) };
        var inspector = new Inspector(new MediaTools(new MediaToolsOptions()));
        var direct = new List<FileReport>();
        foreach (var (name, bytes) in inputs)
            direct.Add(await inspector.InspectAsync(new InspectionRequest(temp.Write(name, bytes), name), new InspectionOptions { Plan = "pro" }, default));
        var cli = JsonNode.Parse(JsonSerializer.Serialize(CheckReport.Create("heygen", "pro", direct, TimeSpan.Zero), PreflightJson.Options))!;

        using var response = await _factory.CreateClient().PostAsync("/v1/preflight/files?plan=pro", TestMedia.Multipart(inputs));
        var api = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        api["summary"]!.AsObject().Remove("durationMs");
        cli["summary"]!.AsObject().Remove("durationMs");
        Assert.Equal(cli.ToJsonString(), api.ToJsonString());
    }

    [Fact]
    public async Task PostFiles_NoPlan_ReportsPlanAsExplicitNull()
    {
        using var response = await _factory.CreateClient().PostAsync("/v1/preflight/files", TestMedia.Multipart(("voice.wav", TestMedia.Wav())));
        var report = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.True(report!.ContainsKey("plan"));
        Assert.Null(report["plan"]);
        Assert.Equal("heygen", (string?)report["profile"]);
    }

    [Fact]
    public async Task PostFiles_ProfileQuery_SelectsTheProfileTheReportNames()
    {
        using var response = await _factory.CreateClient().PostAsync("/v1/preflight/files?profile=tavus",
            TestMedia.Multipart(("voice.wav", TestMedia.Wav())));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("tavus", (string?)report!["profile"]);
    }

    [Fact]
    public async Task PostFiles_UnknownProfileQuery_IsA400ProblemListingTheKnownNames()
    {
        using var response = await _factory.CreateClient().PostAsync("/v1/preflight/files?profile=nosuch",
            TestMedia.Multipart(("voice.wav", TestMedia.Wav())));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>();
        var detail = (string?)problem!["detail"];
        Assert.Contains("nosuch", detail);
        Assert.Contains("heygen", detail);
        Assert.Contains("tavus", detail);
        Assert.Empty(_factory.FilesLeftInUploadFolder());
    }

    [Fact]
    public async Task PostFiles_OtherPartsBesideFile_AreIgnored()
    {
        var content = TestMedia.Multipart(("voice.wav", TestMedia.Wav()));
        content.Add(new StringContent("hello"), "comment");
        using var response = await _factory.CreateClient().PostAsync("/v1/preflight/files", content);

        var report = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(1, (int)report!["summary"]!["files"]!);
    }

    [Fact]
    public async Task PostFiles_AfterSuccessAndFailure_LeavesNoTempFiles()
    {
        var client = _factory.CreateClient();
        using var ok = await client.PostAsync("/v1/preflight/files", TestMedia.Multipart(("voice.wav", TestMedia.Wav()), ("x.txt", TestMedia.Text)));
        using var bad = await client.PostAsync("/v1/preflight/files?plan=nope", TestMedia.Multipart(("voice.wav", TestMedia.Wav())));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Empty(_factory.FilesLeftInUploadFolder());
    }

    [Fact]
    public async Task PostFiles_FileNameWithControlCharacters_IsReportedAsIsAndLoggedEscaped()
    {
        const string name = "evil\nname\u001b[31m.wav";
        var content = new MultipartFormDataContent();
        var part = new ByteArrayContent(TestMedia.Wav());
        part.Headers.ContentDisposition = new System.Net.Http.Headers.ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileNameStar = name };
        content.Add(part);

        using var response = await _factory.CreateClient().PostAsync("/v1/preflight/files", content);

        var report = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(name, (string?)report!["files"]![0]!["path"]);
        var logged = _factory.Logs.Lines.Single(l => l.Contains("Upload received", StringComparison.Ordinal));
        Assert.Contains("evil\\u000aname\\u001b[31m.wav", logged, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', logged.TrimEnd());
    }

    [Fact]
    public async Task PostFiles_PartOverItsKindLimit_FailsTooLargeWithFullHashAndNoTempFiles()
    {
        // 1 byte over the 50 MB image limit, well under the body limit (100 MB video + overhead).
        var png = new byte[50_000_001];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }.CopyTo(png, 0);

        using var response = await _factory.CreateClient().PostAsync("/v1/preflight/files", TestMedia.Multipart(("big.png", png)));

        var file = (await response.Content.ReadFromJsonAsync<JsonObject>())!["files"]![0]!;
        Assert.Equal("fail", (string?)file["verdict"]);
        Assert.Equal(png.Length, (long)file["sizeBytes"]!);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(png)), (string?)file["sha256"]);
        Assert.Contains(FindingCodes.FileTooLarge, file["findings"]!.AsArray().Select(f => (string?)f!["code"]));
        Assert.Empty(_factory.FilesLeftInUploadFolder());
    }

    [Theory]
    [InlineData("Preflight:Inspection:MaxConcurrent", "0")]
    [InlineData("Preflight:RateLimit:Window", "00:00:00")]
    [InlineData("Preflight:MediaTools:DecodeTimeout", "60.00:00:00")]
    [InlineData("Preflight:MediaTools:ProbeTimeout", "00:00:00")]
    [InlineData("Preflight:RateLimit:PermitLimit", "-1")]
    [InlineData("Preflight:Upload:MinRateGracePeriod", "00:10:01")]
    [InlineData("Preflight:Upload:MaxFiles", "0")]
    [InlineData("Preflight:Previews:Ttl", "00:00:00")]
    [InlineData("Preflight:Fetch:MaxConcurrency", "0")]
    [InlineData("Preflight:MediaTools:ConvertTimeoutMax", "00:00:30")]
    public async Task Startup_InvalidOption_FailsAtStartNotAtFirstRequest(string key, string value)
    {
        // Composed and started as `preflight serve` does it. (WebApplicationFactory's deferred host sometimes raced its
        // own disposal when the start failed, and threw ObjectDisposedException instead of the validation error.)
        var error = await Assert.ThrowsAnyAsync<Exception>(() => KestrelApp.StartAsync((key, value)));
        Assert.Contains(key.Split(':')[^1], error.ToString(), StringComparison.Ordinal);
    }
}
