using Azure;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Sas;
using Preflight.Core.Reports;

namespace Preflight.Staging;

/// <summary>
/// Stages to Azure Blob Storage under content-addressed names. Uploads are conditional (If-None-Match: *),
/// MD5-validated per request (CRC64 corrupts blobs on Azurite), and block blobs appear only on commit,
/// so a killed upload leaves nothing visible.
/// </summary>
public sealed class AzureBlobStagingStore : IStagingStore
{
    private const string Sha256Metadata = "sha256";
    private readonly StagingOptions _options;
    private readonly BlobContainerClient _container;
    private readonly SemaphoreSlim _ensureLock = new(1, 1);
    private volatile bool _containerReady;

    public AzureBlobStagingStore(StagingOptions options)
        : this(options, configure: null)
    {
    }

    /// <param name="configure">Lets tests add pipeline policies (fault injection).</param>
    internal AzureBlobStagingStore(StagingOptions options, Action<BlobClientOptions>? configure)
    {
        _options = options;
        var clientOptions = new BlobClientOptions();
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(5);
        configure?.Invoke(clientOptions);
        _container = new BlobServiceClient(options.ConnectionString, clientOptions).GetBlobContainerClient(options.Container);
    }

    public string ContainerName => _container.Name;

    public string AccountName => _container.AccountName;

    public async Task<StagedInfo> StageAsync(StageRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureContainerAsync(cancellationToken);
            var blob = _container.GetBlobClient(request.BlobName);
            var alreadyExisted = false;
            try
            {
                await using var stream = new FileStream(request.FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
                await blob.UploadAsync(stream, new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    HttpHeaders = new BlobHttpHeaders
                    {
                        ContentType = request.ContentType,
                        CacheControl = "public, max-age=31536000, immutable",
                    },
                    Metadata = new Dictionary<string, string> { [Sha256Metadata] = request.Sha256 },
                    TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 },
                    TransferOptions = new StorageTransferOptions
                    {
                        InitialTransferSize = _options.BlockSizeBytes,
                        MaximumTransferSize = _options.BlockSizeBytes,
                        MaximumConcurrency = 4,
                    },
                }, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Someone staged this name first. Content-addressed: same name should mean same bytes — check it.
                var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken);
                if (!properties.Value.Metadata.TryGetValue(Sha256Metadata, out var existing) || existing != request.Sha256)
                    throw new StagingException($"A different blob already exists as {request.BlobName}; it was not overwritten.");
                alreadyExisted = true;
            }

            return ToStagedInfo(blob, request, alreadyExisted);
        }
        catch (RequestFailedException e)
        {
            throw new StagingException($"Azure Storage refused the upload: {e.Status} {e.ErrorCode ?? ShortMessage(e)}", e);
        }
        catch (Exception e) when (e is AggregateException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            throw new StagingException($"Staging failed: {ShortMessage(e)}", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The SDK's own network timeout (with retries turned off it is not wrapped in an AggregateException).
            throw new StagingException($"Staging failed: Azure Storage did not answer in time ({ShortMessage(e)})", e);
        }
    }

    private StagedInfo ToStagedInfo(BlobClient blob, StageRequest request, bool alreadyExisted)
    {
        if (_options.Access != StagingAccess.Sas)
            return new StagedInfo(blob.Uri.ToString(), request.BlobName, request.Sha256, null, alreadyExisted);

        if (!blob.CanGenerateSasUri)
            throw new StagingException("Access 'sas' needs a connection string with an account key to sign URLs.");
        var expiresAt = DateTimeOffset.UtcNow.Add(_options.SasTtl);
        var sas = blob.GenerateSasUri(BlobSasPermissions.Read, expiresAt);
        return new StagedInfo(sas.ToString(), request.BlobName, request.Sha256, expiresAt, alreadyExisted);
    }

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (_containerReady) return;
        await _ensureLock.WaitAsync(cancellationToken);
        try
        {
            if (_containerReady) return;
            // 'Blob' access = anonymous reads of known names only; 'Container' would let anyone list everything.
            var access = _options.Access == StagingAccess.Public ? PublicAccessType.Blob : PublicAccessType.None;
            await _container.CreateIfNotExistsAsync(access, cancellationToken: cancellationToken);
            _containerReady = true;
        }
        finally
        {
            _ensureLock.Release();
        }
    }

    public async Task<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            await EnsureContainerAsync(cancellationToken);
            var exists = await _container.ExistsAsync(cancellationToken);
            return new StoreHealth("azure-blob", exists.Value, $"container '{_container.Name}' ({_options.Access})");
        }
        catch (Exception e) when (e is RequestFailedException or AggregateException or IOException or InvalidOperationException)
        {
            return new StoreHealth("azure-blob", false, $"container '{_container.Name}': {ShortMessage(e)}");
        }
    }

    private static string ShortMessage(Exception e)
    {
        var line = e.Message.Split('\n', 2)[0].Trim();
        return line.Length <= 200 ? line : line[..200];
    }
}
