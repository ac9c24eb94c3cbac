using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Preflight.Core.Ingest;
using Preflight.Core.Inspection;
using Preflight.Core.Probing;
using Preflight.Core.Remediation;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Staging;

namespace Preflight.Worker;

/// <summary>The engine call the stage uses; a host may route it through its own concurrency limit.</summary>
public delegate Task<FileReport> WorkerInspection(InspectionRequest request, InspectionOptions options, CancellationToken cancellationToken);

/// <summary>A request that cannot be completed now; the message is retried, then poisoned.</summary>
public sealed class WorkFailedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// One request, start to finish: stream the blob to a private temp file (hashed, capped and sniffed while streaming),
/// inspect it, then stage it (pass) or copy it and its report to the rejected container (fail).
/// Idempotent: staging is content-addressed and never overwrites; the rejected copy and report are
/// named after the source, so a redelivered message writes the same things again.
/// </summary>
/// <remarks>
/// With <see cref="WorkerOptions.AutoFix"/>, a failing blob is also handed to the fix engine (<see cref="Remediator"/>):
/// a fixed output is re-inspected and staged like a passing file, the original is still rejected with its report, and
/// both the report and the result message carry <c>fix</c>.
/// </remarks>
public sealed partial class BlobPreflightStage(
    WorkerOptions options,
    BlobServiceClient blobService,
    WorkerInspection inspect,
    Stager stager,
    Profile configuredProfile,
    Remediator remediator,
    ProfileCatalog? catalog = null,
    ILogger<BlobPreflightStage>? logger = null)
{
    private readonly BlobContainerClient _rejected = blobService.GetBlobContainerClient(options.RejectedContainer);
    private readonly ILogger _logger = logger ?? NullLogger<BlobPreflightStage>.Instance;

    /// <summary>The result, or null when the blob is one of the stage's own outputs and must not be processed.</summary>
    public async Task<WorkResult?> ProcessAsync(WorkRequest request, CancellationToken cancellationToken)
    {
        var profile = ProfileFor(request);
        var source = ResolveSource(request.BlobUrl);
        // An Event Grid subscription without a container filter also reports what this stage writes: processing a
        // rejected copy would reject it again into a new copy, and so on forever.
        if (IsOwnOutput(source.BlobContainerName)) return null;
        BlobProperties properties;
        try
        {
            properties = (await source.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            throw new WorkFailedException($"blob {source.BlobContainerName}/{source.Name} does not exist", e);
        }

        var displayPath = $"{source.BlobContainerName}/{source.Name}";
        var declared = request.Kind ?? profile.KindFromExtension(Path.GetExtension(source.Name));
        var maxBytes = profile.SizeLimitFor(declared == AssetKind.Unknown ? null : declared).Limits.MaxBytes.Value;

        using var folder = PrivateTempFolder.Create(options.TempPath, "preflight-worker-");
        // A generated name: the engine takes the extension from the display path, and a blob's own
        // extension may be longer than a file name can be. Past the limit the blob is still read and hashed
        // (not stored), so its report has the same detected format and SHA-256 as an upload's.
        var ingested = await DownloadAsync(source, properties.ETag, folder.NewFilePath("blob"), maxBytes, cancellationToken);
        var inspection = new InspectionRequest(ingested.FilePath, displayPath) { DeclaredKind = request.Kind };
        var report = await FileInspection.InspectAsync(new InspectFile(inspect), inspection, ingested,
            new InspectionOptions { Profile = profile, Plan = request.Plan },
            showReason: true, onEngineFailure: null, cancellationToken);

        if (report.Verdict == Verdict.Pass)
        {
            var staged = await stager.StageAsync(report, ingested.FilePath, baseUrl: null, cancellationToken);
            if (staged.Staged is null)
            {
                var reason = staged.Findings.FirstOrDefault(f => f.Code == FindingCodes.StagingFailed)?.Message ?? "staging failed";
                throw new WorkFailedException(reason);
            }
            if (options.AutoFix) staged = staged with { Fix = new FixInfo { Status = FixStatus.NotNeeded } };
            return Result(request, properties.ETag, staged, reportBlob: null, profile);
        }

        if (options.AutoFix)
        {
            var fixOptions = new FixOptions
            {
                Profile = profile,
                Plan = request.Plan,
                Trim = options.AutoFixTrim,
                Salvage = options.AutoFixSalvage,
                AskWith = LossyOptionNames.Worker,
            };
            // Fixed or not, the original is rejected below; its report says what the fix did and where the output went.
            report = report with { Fix = await FixAsync(inspection, ingested, report, fixOptions, cancellationToken) };
        }

        var reportBlob = await RejectAsync(source, properties.ETag, report, cancellationToken);
        return Result(request, properties.ETag, report, reportBlob, profile);
    }

    /// <summary>
    /// The fix of a failing blob, its output staged (content-addressed) and named by its URL. A store that refuses the
    /// output fails the request (retried, then poisoned), as it does for a passing file: a result never promises an
    /// output that is not there. An internal error of the fix engine is a <c>not_fixable</c> fix, logged.
    /// </summary>
    private async Task<FixInfo> FixAsync(InspectionRequest request, IngestedFile ingested, FileReport report, FixOptions fixOptions,
        CancellationToken cancellationToken)
    {
        if (ingested.Truncated)
            return new FixInfo { Status = FixStatus.NotFixable, Reason = "The blob is over the size limit: it was not kept whole, so it cannot be fixed here." };

        FixOutcome outcome;
        try
        {
            outcome = await remediator.FixAsync(request, report, fixOptions, cancellationToken);
        }
        catch (Exception e) when (e is not (MissingToolException or OperationCanceledException))
        {
            // Blob names are the uploader's text: the content hash identifies the file in the log instead.
            LogFixFailed(_logger, report.Sha256 ?? "unknown", e);
            return new FixInfo { Status = FixStatus.NotFixable, Reason = "Preflight could not fix this file (an internal error; it was logged)." };
        }

        using (outcome)
        {
            var fix = outcome.Report.Fix ?? throw new InvalidOperationException("the fix engine returned no fix");
            if (outcome.OutputPath is null) return fix;
            try
            {
                var staged = await stager.StageFixedAsync(outcome, baseUrl: null, cancellationToken);
                return fix with { Output = staged.Url };
            }
            catch (StagingException e)
            {
                throw new WorkFailedException($"the fixed output could not be staged: {e.Message}", e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Fixing the blob with SHA-256 {Sha256} failed with an internal error")]
    private static partial void LogFixFailed(ILogger logger, string sha256, Exception exception);

    /// <summary>The message's profile from the catalog (names only, never files), else the configured one.</summary>
    private Profile ProfileFor(WorkRequest request)
    {
        var chosen = configuredProfile;
        if (request.Profile is { } name)
        {
            var known = catalog ?? ProfileCatalog.BuiltIn;
            chosen = known.Find(name)
                ?? throw new WorkFailedException($"profile '{name}' is not one of {string.Join(", ", known.Names)}");
        }
        if (request.Plan is { } plan && !chosen.IsKnownPlan(plan))
        {
            throw new WorkFailedException(chosen.PlanOrder.Count == 0
                ? $"plan '{plan}' is not valid: the '{chosen.Name}' profile has no plans"
                : $"plan '{plan}' is not one of {string.Join(", ", chosen.PlanOrder)}");
        }
        return chosen;
    }

    private bool IsOwnOutput(string container) =>
        container == _rejected.Name
        || (stager.Store is AzureBlobStagingStore staging && container == staging.ContainerName && staging.AccountName == blobService.AccountName);

    private static WorkResult Result(WorkRequest request, ETag etag, FileReport report, string? reportBlob, Profile profile) => new()
    {
        CorrelationId = request.CorrelationId,
        Source = request.BlobUrl,
        SourceETag = etag.ToString(),
        Verdict = report.Verdict,
        Staged = report.Staged,
        ReportBlob = reportBlob,
        Profile = profile.Name,
        Findings = report.Findings,
        Fix = report.Fix,
    };

    /// <summary>Only blobs of the worker's own storage account are read: a message never makes the worker fetch an arbitrary URL.</summary>
    private BlobClient ResolveSource(string blobUrl)
    {
        if (!Uri.TryCreate(blobUrl, UriKind.Absolute, out var uri))
            throw new WorkFailedException($"blobUrl '{blobUrl}' is not an absolute URL");
        var parts = new BlobUriBuilder(uri);
        var sameHost = string.Equals(uri.Host, blobService.Uri.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == blobService.Uri.Port;
        if (!sameHost || !string.Equals(parts.AccountName, blobService.AccountName, StringComparison.Ordinal)
            || string.IsNullOrEmpty(parts.BlobContainerName) || string.IsNullOrEmpty(parts.BlobName))
        {
            throw new WorkFailedException($"blobUrl is not a blob of this worker's storage account ({blobService.AccountName})");
        }
        return blobService.GetBlobContainerClient(parts.BlobContainerName).GetBlobClient(parts.BlobName);
    }

    /// <summary>Streams the blob (this exact version) to disk through the one ingest step: hashed, capped, sniffed.</summary>
    private static async Task<IngestedFile> DownloadAsync(BlobClient source, ETag etag, string path, long maxBytes, CancellationToken cancellationToken)
    {
        var download = await source.DownloadStreamingAsync(
            new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = etag } }, cancellationToken);
        await using var body = download.Value.Content;
        return await Ingestor.ReceiveAsync(body, path, new IngestLimits(maxBytes), cancellationToken);
    }

    /// <summary>Copies the source into the rejected container and writes the report beside it.</summary>
    private async Task<string> RejectAsync(BlobClient source, ETag inspected, FileReport report, CancellationToken cancellationToken)
    {
        await _rejected.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var name = $"{source.BlobContainerName}/{source.Name}";
        var copy = _rejected.GetBlobClient(name);
        var from = source.CanGenerateSasUri ? source.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1)) : source.Uri;
        // Copy the version that was inspected: if the blob changed since, the copy fails (412) and the message is
        // retried against the new version, so a report never sits beside bytes it does not describe.
        var operation = await copy.StartCopyFromUriAsync(from,
            new BlobCopyFromUriOptions { SourceConditions = new BlobRequestConditions { IfMatch = inspected } }, cancellationToken);
        await operation.WaitForCompletionAsync(cancellationToken);

        var reportClient = _rejected.GetBlobClient(name + ".preflight.json");
        var json = JsonSerializer.SerializeToUtf8Bytes(report, PreflightJson.Options.Info<FileReport>());
        await reportClient.UploadAsync(new BinaryData(json), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
        }, cancellationToken);

        // Another worker may have rejected a newer version of the same blob in the meantime, its copy over ours: this
        // report may then sit beside bytes it does not describe. Retried, the message converges on the current version.
        var now = await copy.GetPropertiesAsync(cancellationToken: cancellationToken);
        if (now.Value.CopyId != operation.Id)
            throw new WorkFailedException($"{name} was rejected again (a newer version of the blob) while its report was written");
        return reportClient.Uri.ToString();
    }
}
