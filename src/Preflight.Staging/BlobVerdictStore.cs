using System.Text.Json;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Preflight.Core.Inspection;
using Preflight.Core.Reports;

namespace Preflight.Staging;

/// <summary>
/// The shared verdict cache in a private blob container: <c>verdicts/KEY.json</c> holds a report (written once, with
/// If-None-Match: *), <c>claims/KEY</c> marks an inspection in progress on some instance. Every failure of the
/// storage account is a miss: the cache may make Preflight faster, never make it fail.
/// </summary>
public sealed class BlobVerdictStore : IVerdictStore
{
    private readonly BlobContainerClient _container;
    private readonly VerdictCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _ensureLock = new(1, 1);
    private volatile bool _containerReady;

    public BlobVerdictStore(VerdictCacheOptions options, TimeProvider time)
        : this(options, time, configure: null)
    {
    }

    /// <param name="configure">Adjusts the storage client's options (tests inject faults through it).</param>
    internal BlobVerdictStore(VerdictCacheOptions options, TimeProvider time, Action<BlobClientOptions>? configure)
    {
        _options = options;
        _time = time;
        var clientOptions = new BlobClientOptions();
        // A cache must answer fast or not at all: few, short retries.
        clientOptions.Retry.MaxRetries = 1;
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        configure?.Invoke(clientOptions);
        _container = new BlobServiceClient(options.ConnectionString, clientOptions).GetBlobContainerClient(options.Container);
    }

    public string ContainerName => _container.Name;

    public async Task<FileReport?> TryGetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var download = await _container.GetBlobClient(VerdictName(key)).DownloadContentAsync(cancellationToken);
            if (IsExpired(download.Value.Details.LastModified)) return null;
            return JsonSerializer.Deserialize(download.Value.Content.ToMemory().Span, PreflightJson.Compact.Info<FileReport>());
        }
        catch (Exception e) when (IsStoreFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public async Task PutAsync(string key, FileReport report, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(VerdictName(key));
        var json = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(report, PreflightJson.Compact.Info<FileReport>()));
        try
        {
            await EnsureContainerAsync(cancellationToken);
            for (var attempt = 0; attempt < 2; attempt++)
            {
                try
                {
                    await blob.UploadAsync(json, new BlobUploadOptions
                    {
                        Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                        HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                        TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 },
                    }, cancellationToken);
                    return;
                }
                catch (RequestFailedException e) when (e.Status is 409 or 412)
                {
                    // First writer wins; only an expired entry is replaced (deleted exactly as it was read, then written).
                    var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
                    if (!IsExpired(properties.Value.LastModified)) return;
                    await blob.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = properties.Value.ETag }, cancellationToken: cancellationToken);
                }
            }
        }
        catch (Exception e) when (IsStoreFailure(e) && !cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async Task<IAsyncDisposable?> TryClaimAsync(string key, CancellationToken cancellationToken)
    {
        var blob = _container.GetBlobClient(ClaimName(key));
        // Ours, so a claim the service created but whose answer was lost (the SDK retried and met it) is recognised.
        var claimant = Guid.NewGuid().ToString("N");
        try
        {
            await EnsureContainerAsync(cancellationToken);
            for (var attempt = 0; attempt < 2; attempt++)
            {
                try
                {
                    // Not cancellable once sent: a claim the service created but whose answer was dropped would be
                    // owned by nobody, and every instance would wait ClaimTimeout for it (a worker stopping mid-claim).
                    cancellationToken.ThrowIfCancellationRequested();
                    var created = await blob.UploadAsync(BinaryData.FromString(Environment.MachineName), new BlobUploadOptions
                    {
                        Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                        Metadata = new Dictionary<string, string> { [ClaimantMetadata] = claimant },
                    }, CancellationToken.None);
                    var claim = new Claim(blob, created.Value.ETag);
                    if (!cancellationToken.IsCancellationRequested) return claim;
                    await claim.DisposeAsync();
                    cancellationToken.ThrowIfCancellationRequested();
                }
                catch (RequestFailedException e) when (e.Status is 409 or 412)
                {
                    var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
                    if (properties.Value.Metadata.TryGetValue(ClaimantMetadata, out var holder) && holder == claimant)
                        return new Claim(blob, properties.Value.ETag);
                    if (_time.GetUtcNow() - properties.Value.LastModified < _options.ClaimTimeout) return null;
                    // The instance that claimed it is gone: take the claim over (only the one we saw, not a newer one).
                    await blob.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = properties.Value.ETag }, cancellationToken: cancellationToken);
                }
            }
            return null;
        }
        catch (Exception e) when (IsStoreFailure(e) && !cancellationToken.IsCancellationRequested)
        {
            // The store cannot coordinate: inspect without a claim rather than wait for nothing.
            return new Claim(null, default);
        }
    }

    private bool IsExpired(DateTimeOffset written) => _time.GetUtcNow() - written >= _options.Ttl;

    private static string VerdictName(string key) => $"verdicts/{key}.json";

    private static string ClaimName(string key) => $"claims/{key}";

    private const string ClaimantMetadata = "claimant";

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerReady) return;
        await _ensureLock.WaitAsync(cancellationToken);
        try
        {
            if (_containerReady) return;
            await _container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: cancellationToken);
            _containerReady = true;
        }
        finally
        {
            _ensureLock.Release();
        }
    }

    private static bool IsStoreFailure(Exception e) =>
        e is RequestFailedException or JsonException or IOException or NotSupportedException or OperationCanceledException
        || (e is AggregateException aggregate && aggregate.InnerExceptions.All(i => i is RequestFailedException or IOException or OperationCanceledException));

    private sealed class Claim(BlobClient? blob, ETag etag) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (blob is null) return;
            try
            {
                await blob.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = etag });
            }
            catch (Exception e) when (IsStoreFailure(e))
            {
                // It expires after ClaimTimeout instead.
            }
        }
    }
}
