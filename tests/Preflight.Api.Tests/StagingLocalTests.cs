using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Preflight.TestSupport;

namespace Preflight.Api.Tests;

/// <summary>
/// <c>?stage=true</c> without a connection string: the local store, served by the service itself at <c>/staged/{name}</c>.
/// </summary>
public sealed class StagingLocalTests : IDisposable
{
    private const string StageFiles = "/v1/preflight/files?stage=true";
    private static readonly byte[] Png = File.ReadAllBytes(RepoPaths.TestFile("valid", "image-160x90.png"));
    private static readonly string PngName = Sha256(Png) + ".png";

    private readonly PreflightApiFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task PostFilesStage_PassingFile_StagedOnTheServiceItself()
    {
        var file = await UploadAsync(_factory, ("poster.PNG", Png));

        var staged = file["staged"]!;
        Assert.Equal($"http://localhost/staged/{PngName}", (string?)staged["url"]);
        Assert.Equal(PngName, (string?)staged["blobName"]);
        Assert.Equal(Sha256(Png), (string?)staged["sha256"]);
        Assert.Null(staged["expiresAt"]);
        Assert.True(staged.AsObject().ContainsKey("expiresAt"));
        Assert.False((bool)staged["alreadyExisted"]!);
        Assert.Equal(Png, await File.ReadAllBytesAsync(Path.Combine(_factory.StagedFolder, PngName)));
    }

    [Fact]
    public async Task GetStaged_StagedFile_ServedWithTypeAndImmutableCaching()
    {
        var url = (string)(await UploadAsync(_factory, ("poster.png", Png)))["staged"]!["url"]!;

        using var response = await _factory.CreateClient().GetAsync(new Uri(url).PathAndQuery);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        Assert.Equal("bytes", Assert.Single(response.Headers.AcceptRanges));
        Assert.Equal(Sha256(Png), Sha256(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task GetStaged_RangeRequest_Answers206WithThoseBytes()
    {
        await UploadAsync(_factory, ("poster.png", Png));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/staged/" + PngName);
        request.Headers.Range = new RangeHeaderValue(0, 9);

        using var response = await _factory.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(Png[..10], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 0-9/{Png.Length}", response.Content.Headers.ContentRange?.ToString());
    }

    [Theory]
    [InlineData("..%2F..%2Fappsettings.json")]
    [InlineData("notes.txt")]
    [InlineData("UPPER")] // the staged file's name in upper-case hex
    [InlineData(".svg")] // the staged file's hash with an extension we never issue (markup, script on our origin)
    [InlineData(".png.partial")]
    [InlineData("")] // the bare hash
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000.png")] // valid shape, never staged
    public async Task GetStaged_NotAStagedName_Answers404Problem(string name)
    {
        await UploadAsync(_factory, ("poster.png", Png));
        await File.WriteAllTextAsync(Path.Combine(_factory.StagedFolder, "notes.txt"), "not for strangers");
        await File.WriteAllBytesAsync(Path.Combine(_factory.StagedFolder, Sha256(Png) + ".svg"), Png);
        var path = name switch
        {
            "UPPER" => Sha256(Png).ToUpperInvariant() + ".png",
            "" or ".svg" or ".png.partial" => Sha256(Png) + name,
            _ => name,
        };

        using var response = await _factory.CreateClient().GetAsync("/staged/" + path);

        await ProblemTests.AssertProblemAsync(response, HttpStatusCode.NotFound, "No staged file is named");
    }

    [Fact]
    public async Task PostFilesStage_FailingFile_HasNoStagedMemberAndNothingIsWritten()
    {
        var corrupt = await File.ReadAllBytesAsync(RepoPaths.TestFile("corrupt", "png-no-iend.png"));

        var file = await UploadAsync(_factory, ("poster.png", corrupt));

        Assert.Equal("fail", (string?)file["verdict"]);
        Assert.False(file.AsObject().ContainsKey("staged"));
        Assert.False(Directory.Exists(_factory.StagedFolder) && Directory.EnumerateFileSystemEntries(_factory.StagedFolder).Any());
    }

    [Fact]
    public async Task PostFilesStage_SameFileTwice_SameUrlAndAlreadyExisted()
    {
        var first = (await UploadAsync(_factory, ("a.png", Png)))["staged"]!;
        var second = (await UploadAsync(_factory, ("b.png", Png)))["staged"]!;

        Assert.Equal((string?)first["url"], (string?)second["url"]);
        Assert.False((bool)first["alreadyExisted"]!);
        Assert.True((bool)second["alreadyExisted"]!);
        Assert.Single(Directory.GetFiles(_factory.StagedFolder));
    }

    [Fact]
    public async Task PostFilesStage_PublicBaseUrlConfigured_UrlsUseIt()
    {
        using var factory = new PreflightApiFactory(("Preflight:PublicBaseUrl", "https://preflight.example.com/media/"));

        var file = await UploadAsync(factory, ("a.png", Png));

        Assert.Equal($"https://preflight.example.com/media/staged/{PngName}", (string?)file["staged"]!["url"]);
    }

    [Fact]
    public async Task PostFiles_WithoutStage_NothingStaged()
    {
        using var response = await _factory.CreateClient().PostAsync("/v1/preflight/files", TestMedia.Multipart(("a.png", Png)));
        var file = (await response.Content.ReadFromJsonAsync<JsonObject>())!["files"]![0]!;

        Assert.Equal("pass", (string?)file["verdict"]);
        Assert.False(file.AsObject().ContainsKey("staged"));
        Assert.False(Directory.Exists(_factory.StagedFolder) && Directory.EnumerateFileSystemEntries(_factory.StagedFolder).Any());
    }

    [Theory]
    [InlineData("/v1/preflight/files?stage=yes")]
    [InlineData("/v1/preflight/urls?stage=2")]
    public async Task Post_BadStageValue_Answers400(string path)
    {
        HttpContent content = path.Contains("files", StringComparison.Ordinal)
            ? TestMedia.Multipart(("a.png", Png))
            : JsonContent.Create(new { assets = new[] { new { url = "https://x.example/a.png" } } });

        using var response = await _factory.CreateClient().PostAsync(path, content);

        await ProblemTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "'stage' must be true or false");
    }

    [Fact]
    public async Task GetHealthz_LocalStore_IncludesTheStoreAndNoWorker()
    {
        var body = await _factory.CreateClient().GetFromJsonAsync<JsonObject>("/healthz");

        var staging = body!["staging"]!;
        Assert.Equal("local-folder", (string?)staging["store"]);
        Assert.True((bool)staging["healthy"]!);
        Assert.Equal(Path.GetFullPath(_factory.StagedFolder), (string?)staging["detail"]);
        Assert.False(body.ContainsKey("worker"));
    }

    [Fact]
    public async Task GetHealthz_LocalFolderUnusable_StagingUnhealthyAndDegraded()
    {
        // A file where the folder should be: the store cannot create it.
        using var temp = new TempDir();
        var blocker = temp.Write("blocker", [1]);
        using var factory = new PreflightApiFactory(("Preflight:Staging:LocalPath", Path.Combine(blocker, "staged")));

        var body = await factory.CreateClient().GetFromJsonAsync<JsonObject>("/healthz");

        Assert.False((bool)body!["staging"]!["healthy"]!);
        Assert.Equal("degraded", (string?)body["status"]);
    }

    [Fact]
    public async Task GetStaged_AzureStoreConfigured_Answers404EvenForAFileOnDisk()
    {
        // Staging goes to Azure (nothing is contacted by this test); the local folder is not served then.
        using var factory = new PreflightApiFactory(("Preflight:Staging:ConnectionString", AzuriteFixture.Build(1, 2)));
        Directory.CreateDirectory(factory.StagedFolder);
        await File.WriteAllBytesAsync(Path.Combine(factory.StagedFolder, PngName), Png);

        using var response = await factory.CreateClient().GetAsync("/staged/" + PngName);

        await ProblemTests.AssertProblemAsync(response, HttpStatusCode.NotFound, "No staged file is named");
    }

    [Theory]
    [InlineData("Preflight:Staging:Access", "anonymous", "Preflight:Staging:Access")]
    [InlineData("Preflight:Staging:Container", "Has_Capitals", "Preflight:Staging:Container")]
    [InlineData("Preflight:Staging:ConnectionString", "not a connection string", "Preflight:Staging:ConnectionString")]
    [InlineData("Preflight:PublicBaseUrl", "ftp://files.example.com", "Preflight:PublicBaseUrl")]
    public async Task Startup_InvalidStagingSetting_FailsNamingIt(string key, string value, string named)
    {
        // Started as `preflight serve` starts it: WebApplicationFactory's deferred host sometimes raced its own disposal
        // when the start failed, and threw ObjectDisposedException instead of the validation error.
        // Several failing options arrive as an AggregateException: look for the setting anywhere in what was thrown.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => KestrelApp.StartAsync((key, value)));

        Assert.Contains(named, error.ToString(), StringComparison.Ordinal);
    }

    internal static async Task<JsonNode> UploadAsync(PreflightApiFactory factory, (string Name, byte[] Bytes) file)
    {
        using var response = await factory.CreateClient().PostAsync(StageFiles, TestMedia.Multipart(file));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!["files"]![0]!;
    }

    internal static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
