using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.Builder;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Api.Tests;

/// <summary>
/// <c>?stage=true</c> against a real Azurite: staged URLs are fetched with a plain anonymous client, as the generation
/// API would. Every test stages into its own container.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class StagingAzureTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private static readonly HttpClient Anonymous = new();
    private readonly string _container = AzuriteFixture.UniqueName("api-staged");
    private LoopbackHttpServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackHttpServer.StartAsync(routes =>
        routes.MapGet("/media/voice.mp3", LoopbackResponses.Bytes(
            File.ReadAllBytes(RepoPaths.TestFile("valid", "audio-64kbps-mono.mp3")), "audio/mpeg")));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("valid/image-160x90.png", ".png", "image/png")]
    [InlineData("valid/image-320x180.jpg", ".jpg", "image/jpeg")]
    [InlineData("valid/audio-64kbps-mono.mp3", ".mp3", "audio/mpeg")]
    [InlineData("valid/audio-pcm16-22khz-mono.wav", ".wav", "audio/wav")]
    [InlineData("valid/video-h264-aac-640x360-25fps-faststart.mp4", ".mp4", "video/mp4")]
    public async Task PostFilesStage_PassingFileOfEachKind_AnonymousUrlServesTheSameBytes(string testFile, string extension, string contentType)
    {
        using var factory = Factory();
        var bytes = await File.ReadAllBytesAsync(RepoPaths.TestFile(testFile.Split('/')));
        var sha = StagingLocalTests.Sha256(bytes);

        var file = await StagingLocalTests.UploadAsync(factory, (Path.GetFileName(testFile), bytes));

        var staged = file["staged"]!;
        Assert.Equal(sha + extension, (string?)staged["blobName"]);
        Assert.Equal(sha, (string?)staged["sha256"]);
        Assert.Null(staged["expiresAt"]);
        using var response = await Anonymous.GetAsync((string)staged["url"]!);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(sha, StagingLocalTests.Sha256(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task PostFilesStage_FailingFile_NoStagedMemberAndContainerEmpty()
    {
        using var factory = Factory();
        var corrupt = await File.ReadAllBytesAsync(RepoPaths.TestFile("corrupt", "mp3-cut-last-frame.mp3"));

        var file = await StagingLocalTests.UploadAsync(factory, ("voice.mp3", corrupt));

        Assert.Equal("fail", (string?)file["verdict"]);
        Assert.False(file.AsObject().ContainsKey("staged"));
        Assert.Empty(await BlobNamesAsync());
    }

    [Fact]
    public async Task PostFilesStage_SameFileTwice_OneBlobSameUrlAlreadyExistedSecond()
    {
        using var factory = Factory();
        var png = await File.ReadAllBytesAsync(RepoPaths.TestFile("valid", "image-160x90.png"));

        var first = (await StagingLocalTests.UploadAsync(factory, ("a.png", png)))["staged"]!;
        var second = (await StagingLocalTests.UploadAsync(factory, ("b.png", png)))["staged"]!;

        Assert.Equal((string?)first["url"], (string?)second["url"]);
        Assert.False((bool)first["alreadyExisted"]!);
        Assert.True((bool)second["alreadyExisted"]!);
        Assert.Equal([StagingLocalTests.Sha256(png) + ".png"], await BlobNamesAsync());
    }

    [Fact]
    public async Task PostUrlsStage_LoopbackAsset_StagedAndFetchable()
    {
        using var factory = Factory(("Preflight:Fetch:AllowPrivateNetworks", "true"));
        var mp3 = await File.ReadAllBytesAsync(RepoPaths.TestFile("valid", "audio-64kbps-mono.mp3"));

        using var response = await factory.CreateClient().PostAsJsonAsync("/v1/preflight/urls?stage=true",
            new { assets = new[] { new { url = _server.Url("/media/voice.mp3").ToString() } } });
        var file = (await response.Content.ReadFromJsonAsync<JsonObject>())!["files"]![0]!;

        Assert.Equal("pass", (string?)file["verdict"]);
        Assert.NotNull(file["source"]);
        using var staged = await Anonymous.GetAsync((string)file["staged"]!["url"]!);
        Assert.Equal(HttpStatusCode.OK, staged.StatusCode);
        Assert.Equal(StagingLocalTests.Sha256(mp3), StagingLocalTests.Sha256(await staged.Content.ReadAsByteArrayAsync()));
        Assert.Empty(factory.FilesLeftInUploadFolder());
    }

    [Fact]
    public async Task PostFilesStage_SasAccess_SignedUrlWorksBareBlobUrlRefused()
    {
        using var factory = Factory(("Preflight:Staging:Access", "sas"), ("Preflight:Staging:SasTtl", "01:00:00"));
        var png = await File.ReadAllBytesAsync(RepoPaths.TestFile("valid", "image-160x90.png"));

        var staged = (await StagingLocalTests.UploadAsync(factory, ("a.png", png)))["staged"]!;

        var url = new Uri((string)staged["url"]!);
        Assert.Contains("sig=", url.Query, StringComparison.Ordinal);
        var expiresAt = DateTimeOffset.Parse((string)staged["expiresAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(65));
        using (var signed = await Anonymous.GetAsync(url))
        {
            Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
            Assert.Equal(StagingLocalTests.Sha256(png), StagingLocalTests.Sha256(await signed.Content.ReadAsByteArrayAsync()));
        }
        using var bare = await Anonymous.GetAsync(url.GetLeftPart(UriPartial.Path));
        Assert.Equal(HttpStatusCode.Forbidden, bare.StatusCode);
    }

    [Fact]
    public async Task PostFilesStage_StorageUnreachable_StagingFailedFindingReportStillReturned()
    {
        // A loopback port nobody listens on, and no retries: the upload fails at once.
        using var factory = new PreflightApiFactory(
            ("Preflight:Staging:ConnectionString", AzuriteFixture.Build(ClosedPort(), ClosedPort())),
            ("Preflight:Staging:MaxRetries", "0"));
        var png = await File.ReadAllBytesAsync(RepoPaths.TestFile("valid", "image-160x90.png"));

        var file = await StagingLocalTests.UploadAsync(factory, ("a.png", png));

        Assert.False(file.AsObject().ContainsKey("staged"));
        Assert.Equal("png", (string?)file["detected"]!["format"]);
        Assert.Contains(FindingCodes.StagingFailed, file["findings"]!.AsArray().Select(f => (string?)f!["code"]));
    }

    [Fact]
    public async Task GetHealthz_AzureStore_ReportsTheContainer()
    {
        using var factory = Factory();

        var body = await factory.CreateClient().GetFromJsonAsync<JsonObject>("/healthz");

        var staging = body!["staging"]!;
        Assert.Equal("azure-blob", (string?)staging["store"]);
        Assert.True((bool)staging["healthy"]!);
        Assert.Contains(_container, (string?)staging["detail"], StringComparison.Ordinal);
    }

    private PreflightApiFactory Factory(params (string Key, string? Value)[] settings) => new(
    [
        ("Preflight:Staging:ConnectionString", azurite.ConnectionString),
        ("Preflight:Staging:Container", _container),
        .. settings,
    ]);

    private async Task<List<string>> BlobNamesAsync()
    {
        var container = new BlobContainerClient(azurite.ConnectionString, _container);
        if (!await container.ExistsAsync()) return [];
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync()) names.Add(blob.Name);
        return names;
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
