using System.Net;
using System.Security.Cryptography;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.TestSupport;

namespace Preflight.Staging.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobStagingStoreTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempDir _temp = new();
    private readonly HttpClient _anonymous = new();
    private readonly string _container = AzuriteFixture.UniqueName("staged");

    private StagingOptions Options(string access = StagingAccess.Public, int blockSize = 8 * 1024 * 1024) => new()
    {
        ConnectionString = azurite.ConnectionString,
        Container = _container,
        Access = access,
        BlockSizeBytes = blockSize,
        MaxRetries = 1,
    };

    private (string Path, string Sha256) File(string name, int size, int seed = 1)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return (_temp.Write(name, bytes), Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    private async Task<List<string>> ListCommittedAsync()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_container);
        var names = new List<string>();
        if (!(await container.ExistsAsync()).Value) return names;
        await foreach (var blob in container.GetBlobsAsync()) names.Add(blob.Name);
        return names;
    }

    [Theory]
    [InlineData(".mp4", "video/mp4")]
    [InlineData(".jpg", "image/jpeg")]
    [InlineData(".png", "image/png")]
    [InlineData(".wav", "audio/wav")]
    [InlineData(".mp3", "audio/mpeg")]
    public async Task StageAsync_PublicAccess_AnonymousGetReturnsSameBytesAndContentType(string extension, string contentType)
    {
        var (path, sha) = File("f" + extension, 100_000);
        var store = new AzureBlobStagingStore(Options());

        var staged = await store.StageAsync(new StageRequest(path, sha, extension, contentType), default);

        Assert.Equal(sha + extension, staged.BlobName);
        Assert.False(staged.AlreadyExisted);
        Assert.Null(staged.ExpiresAt);
        using var response = await _anonymous.GetAsync(staged.Url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(await response.Content.ReadAsByteArrayAsync())));
    }

    [Fact]
    public async Task StageAsync_PublicAccess_ContainerCannotBeListedAnonymously()
    {
        var (path, sha) = File("f.png", 1000);
        var staged = await new AzureBlobStagingStore(Options()).StageAsync(new StageRequest(path, sha, ".png", "image/png"), default);
        var containerUrl = staged.Url[..staged.Url.LastIndexOf('/')];
        using var response = await _anonymous.GetAsync(containerUrl + "?restype=container&comp=list");
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task StageAsync_SasAccess_SasUrlWorksAndBareUrlIsRefused()
    {
        var (path, sha) = File("f.mp3", 50_000);
        var store = new AzureBlobStagingStore(Options(StagingAccess.Sas));

        var staged = await store.StageAsync(new StageRequest(path, sha, ".mp3", "audio/mpeg"), default);

        Assert.NotNull(staged.ExpiresAt);
        Assert.InRange(staged.ExpiresAt!.Value, DateTimeOffset.UtcNow.AddHours(23), DateTimeOffset.UtcNow.AddHours(25));
        using (var ok = await _anonymous.GetAsync(staged.Url))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal(sha, Convert.ToHexStringLower(SHA256.HashData(await ok.Content.ReadAsByteArrayAsync())));
        }
        var bare = new Uri(staged.Url).GetLeftPart(UriPartial.Path);
        using var refused = await _anonymous.GetAsync(bare);
        Assert.True(refused.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"got {refused.StatusCode}");
        Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
    }

    [Fact]
    public async Task StageAsync_SameFileTwice_OneBlobSameUrlSecondAlreadyExisted()
    {
        var (path, sha) = File("f.wav", 20_000);
        var store = new AzureBlobStagingStore(Options());
        var request = new StageRequest(path, sha, ".wav", "audio/wav");

        var first = await store.StageAsync(request, default);
        var second = await store.StageAsync(request, default);

        Assert.False(first.AlreadyExisted);
        Assert.True(second.AlreadyExisted);
        Assert.Equal(first.Url, second.Url);
        Assert.Equal([first.BlobName], await ListCommittedAsync());
    }

    [Fact]
    public async Task StageAsync_SameFileConcurrently_OneBlobAndExactlyOneNewUpload()
    {
        var (path, sha) = File("f.mp4", 400_000);
        var store = new AzureBlobStagingStore(Options(blockSize: 64 * 1024));
        var request = new StageRequest(path, sha, ".mp4", "video/mp4");

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => store.StageAsync(request, default)));

        Assert.Single(results.Select(r => r.Url).Distinct());
        Assert.Equal(1, results.Count(r => !r.AlreadyExisted));
        Assert.Equal([request.BlobName], await ListCommittedAsync());
    }

    [Fact]
    public async Task Stager_FailingReport_IsNeverUploaded()
    {
        var (path, sha) = File("f.png", 1000);
        var stager = new Stager(new AzureBlobStagingStore(Options()), Profile.HeyGen);
        var failing = new FileReport
        {
            Path = "f.png",
            Kind = AssetKind.Image,
            Verdict = Verdict.Fail,
            Sha256 = sha,
            Detected = new DetectedFormat("png", "image/png", "test"),
            Findings = [Finding.Error(FindingCodes.FileCorrupt, "bad")],
        };

        var result = await stager.StageAsync(failing, path, null, default);

        Assert.Null(result.Staged);
        Assert.Empty(await ListCommittedAsync());
    }

    [Fact]
    public async Task Stager_PassingReport_GetsStagedMemberNamedByDetectedFormat()
    {
        var (path, sha) = File("photo.jpeg.upload", 1000);
        var stager = new Stager(new AzureBlobStagingStore(Options()), Profile.HeyGen);
        var passing = new FileReport
        {
            Path = "photo.png", // the client's name lies; the detected format decides
            Kind = AssetKind.Image,
            Verdict = Verdict.Pass,
            Sha256 = sha,
            Detected = new DetectedFormat("jpeg", "image/jpeg", "test"),
        };

        var result = await stager.StageAsync(passing, path, null, default);

        Assert.NotNull(result.Staged);
        Assert.Equal(sha + ".jpg", result.Staged!.BlobName);
        Assert.Equal(Verdict.Pass, result.Verdict);
    }

    [Fact]
    public async Task StageAsync_CommitFails_NoBlobVisibleAndStagingFailedFinding()
    {
        var (path, sha) = File("f.mp4", 300_000);
        var store = new AzureBlobStagingStore(Options(blockSize: 64 * 1024), o => o.AddPolicy(new FailCommitPolicy(), HttpPipelinePosition.PerRetry));
        var stager = new Stager(store, Profile.HeyGen);

        var result = await stager.StageAsync(PassingMp4(sha), path, null, default);

        Assert.Null(result.Staged);
        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingCodes.StagingFailed, finding.Code);
        Assert.Empty(await ListCommittedAsync());
    }

    [Fact]
    public async Task StageAsync_ByteFlippedAfterHashing_ServerRefusesAndNothingIsVisible()
    {
        var (path, sha) = File("f.mp4", 300_000);
        var store = new AzureBlobStagingStore(Options(blockSize: 64 * 1024), o => o.AddPolicy(new FlipByteInBodyPolicy(), HttpPipelinePosition.PerRetry));
        var stager = new Stager(store, Profile.HeyGen);

        var result = await stager.StageAsync(PassingMp4(sha), path, null, default);

        Assert.Null(result.Staged);
        Assert.Contains(result.Findings, f => f.Code == FindingCodes.StagingFailed);
        Assert.Empty(await ListCommittedAsync());
    }

    [Fact]
    public async Task StageAsync_CancelledMidUpload_LeavesNothingListed()
    {
        var (path, sha) = File("f.mp4", 1_000_000);
        using var cts = new CancellationTokenSource();
        var store = new AzureBlobStagingStore(Options(blockSize: 32 * 1024), o => o.AddPolicy(new CancelAfterBlocksPolicy(cts, blocks: 3), HttpPipelinePosition.PerCall));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.StageAsync(new StageRequest(path, sha, ".mp4", "video/mp4"), cts.Token));

        Assert.Empty(await ListCommittedAsync());
    }

    private static FileReport PassingMp4(string sha) => new()
    {
        Path = "f.mp4",
        Kind = AssetKind.Video,
        Verdict = Verdict.Pass,
        Sha256 = sha,
        Detected = new DetectedFormat("mp4", "video/mp4", "test"),
    };

    /// <summary>Fails every Put Block List (the commit), as a storage outage at the worst moment would.</summary>
    private sealed class FailCommitPolicy : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("sync path unused");

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Uri.Query.Contains("comp=blocklist", StringComparison.Ordinal))
                throw new IOException("injected: connection reset during commit");
            return ProcessNextAsync(message, pipeline);
        }
    }

    /// <summary>Corrupts one byte of each block body after the SDK computed its MD5.</summary>
    private sealed class FlipByteInBodyPolicy : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("sync path unused");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Method == RequestMethod.Put && message.Request.Content is { } content && message.Request.Uri.Query.Contains("comp=block&", StringComparison.Ordinal))
            {
                using var buffer = new MemoryStream();
                await content.WriteToAsync(buffer, message.CancellationToken);
                var bytes = buffer.ToArray();
                bytes[bytes.Length / 2] ^= 0xFF;
                message.Request.Content = RequestContent.Create(bytes);
            }
            await ProcessNextAsync(message, pipeline);
        }
    }

    /// <summary>Cancels the caller's token once a few blocks are up: the process "dies" mid-upload.</summary>
    private sealed class CancelAfterBlocksPolicy(CancellationTokenSource cts, int blocks) : HttpPipelinePolicy
    {
        private int _seen;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("sync path unused");

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (message.Request.Uri.Query.Contains("comp=block&", StringComparison.Ordinal) && Interlocked.Increment(ref _seen) >= blocks)
                await cts.CancelAsync();
        }
    }

    public void Dispose()
    {
        _temp.Dispose();
        _anonymous.Dispose();
    }
}
