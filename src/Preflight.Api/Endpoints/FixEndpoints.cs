using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Preflight.Api.Hosting;
using Preflight.Api.Uploads;
using Preflight.Core.Fetching;
using Preflight.Core.Inspection;
using Preflight.Core.Probing;
using Preflight.Core.Remediation;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Hosting;
using Preflight.Staging;

namespace Preflight.Api.Endpoints;

/// <summary>The body of <c>POST /v1/fix/urls</c>: the assets as <c>POST /v1/preflight/urls</c>, and how much a fix may do.</summary>
/// <param name="Assets">The URLs to fetch and fix, each with an optional kind (video, image, audio).</param>
/// <param name="Plan">free | pro | scale | enterprise, or null for the resource limits alone (?plan= wins).</param>
/// <param name="Profile">A loaded profile's name (?profile= wins); null = the service's (Preflight:Profile).</param>
/// <param name="Trim">May cut audio to the duration limit and video to the plan's length (as ?trim=true).</param>
/// <param name="Salvage">May keep the decodable part of a damaged file (as ?salvage=true).</param>
public sealed record UrlFixRequest(IReadOnlyList<UrlAsset>? Assets, string? Plan = null, string? Profile = null, bool Trim = false, bool Salvage = false);

/// <summary>
/// Bounds how many fix requests run at once (<c>Preflight:Fix:MaxConcurrent</c>, default the number of cores): a fix
/// runs ffmpeg or re-encodes images, far heavier than a check. A request that finds every slot taken gets 503.
/// </summary>
internal sealed class FixGate : IDisposable
{
    public const string MaxConcurrentKey = "Preflight:Fix:MaxConcurrent";

    /// <summary>The <c>Retry-After</c> of the busy answer: a fix takes seconds to minutes, so retrying every second is pointless.</summary>
    public const string RetryAfterSeconds = "5";

    private readonly SemaphoreSlim _slots;

    public FixGate(IConfiguration configuration)
    {
        var configured = configuration.GetValue<int?>(MaxConcurrentKey);
        MaxConcurrent = configured is > 0 ? configured.Value : Environment.ProcessorCount;
        _slots = new SemaphoreSlim(MaxConcurrent, MaxConcurrent);
    }

    public int MaxConcurrent { get; }

    /// <summary>Takes a slot without waiting; null when none is free. Disposing the result gives the slot back.</summary>
    public IDisposable? TryEnter() => _slots.Wait(0) ? new Slot(_slots) : null;

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}

/// <summary>
/// <c>POST /v1/fix/files</c>: uploaded files fixed by the same engine as <c>preflight fix</c>; each fixed output is
/// staged (content-addressed) and <c>fix.output</c> is its URL.
/// </summary>
internal static class FixEndpoints
{
    public static RouteGroupBuilder MapFixEndpoints(this RouteGroupBuilder fix)
    {
        fix.MapPost("/files", FixFilesAsync)
            .WithName("FixFiles")
            .WithSummary("Fix uploaded files")
            .WithDescription("multipart/form-data with one or more parts named 'file' (the file name gives the extension), " +
                "exactly as POST /v1/preflight/files. Answers the same report as `preflight fix --format json`: each entry " +
                "gains 'fix' (status fixed | not_needed | needs_option | not_fixable, operations, lost, after, reason) and the " +
                "report gains 'fixes'. A fixed output is staged and 'fix.output' is its URL. " +
                "Query: plan, profile, trim=true (may cut to the limits), salvage=true (may keep the decodable part of a damaged file). " +
                "At most Preflight:Fix:MaxConcurrent fix requests run at once; more get 503 with Retry-After.")
            .Accepts<FileUploadForm>("multipart/form-data")
            .DisableAntiforgery();
        fix.MapPost("/urls", FixUrlsAsync)
            .WithName("FixUrls")
            .WithSummary("Fetch and fix media URLs")
            .WithDescription("application/json {\"assets\": [{\"url\": \"https://…\", \"kind\": \"video\"}], \"plan\", \"profile\", \"trim\", \"salvage\"}: " +
                "each URL is fetched as POST /v1/preflight/urls does (public addresses only), then fixed as POST /v1/fix/files; " +
                "each entry keeps its 'source' object. A URL that cannot be fetched is a not_fixable entry in a 200 report. " +
                "Query plan, profile, trim and salvage override the body's. Shares Preflight:Fix:MaxConcurrent with /v1/fix/files (503 with Retry-After when full).")
            .Accepts<UrlFixRequest>("application/json");
        return fix;
    }

    private const string UrlExample = "{\"assets\": [{\"url\": \"https://…\"}], \"trim\": false}";

    private static async Task<Results<Ok<CheckReport>, ProblemHttpResult>> FixUrlsAsync(
        HttpRequest request,
        [FromQuery] string? plan,
        [FromQuery] string? trim,
        [FromQuery] string? salvage,
        [FromQuery(Name = "profile")] string? profileName,
        Profile active,
        ProfileCatalog catalog,
        UrlInspector urls,
        InspectionRunner runner,
        Remediator remediator,
        Stager stager,
        FixGate gate,
        IOptions<JsonOptions> json,
        IOptions<UploadOptions> uploadOptions,
        IOptions<InspectionQueueOptions> inspectionOptions,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var logger = loggerFactory.CreateLogger("Preflight.Api.Fix");
        List<(string Url, AssetKind? Kind)> assets;
        FixOptions options;
        try
        {
            var element = await JsonBody.ReadAsync(request, UrlExample, cancellationToken);
            var body = JsonBody.Bind<UrlFixRequest>(element, json.Value.SerializerOptions)
                ?? throw RequestProblemException.BadRequest("The JSON body is null; expected {\"assets\": [...]}.");
            assets = UrlEndpoints.ValidateAssets(new UrlCheckRequest(body.Assets), inspectionOptions.Value.MaxAssets);
            var profile = CheckParameters.SelectProfile(catalog, active, profileName ?? body.Profile);
            options = new FixOptions
            {
                Profile = profile,
                Plan = CheckParameters.ParsePlan(profile, plan ?? body.Plan),
                Trim = trim is null ? body.Trim : CheckParameters.ParseFlag("trim", trim),
                Salvage = salvage is null ? body.Salvage : CheckParameters.ParseFlag("salvage", salvage),
                AskWith = LossyOptionNames.Http,
            };
        }
        catch (RequestProblemException problem)
        {
            return problem.ToResult();
        }

        using var slot = gate.TryEnter();
        if (slot is null) return Busy(gate, request.HttpContext.Response);

        var inspection = new InspectionOptions { Profile = options.Profile, Plan = options.Plan };
        var baseUrl = RequestBaseUrl.Of(request);
        using var folder = UploadReceiver.CreateFolder(uploadOptions.Value, logger);
        var files = new List<FileReport>(assets.Count);
        foreach (var asset in assets)
        {
            var report = await urls.InspectAsync(asset.Url, asset.Kind, inspection, folder.Path, runner.InspectAsync,
                async (inspected, path, ct) =>
                {
                    // Called only when the download succeeded, while the file still exists: fix it from there.
                    var fixedReport = await FixOneAsync(remediator, stager,
                        new InspectionRequest(path, inspected.Path) { DeclaredKind = inspected.Kind }, options, baseUrl, logger, ct);
                    return fixedReport with { Source = inspected.Source };
                },
                wholeBody: true,
                cancellationToken);
            files.Add(report.Fix is null
                ? report with { Fix = new FixInfo { Status = FixStatus.NotFixable, Reason = "The URL could not be fetched whole (see findings): there is nothing to fix." } }
                : report);
        }

        return TypedResults.Ok(FixReport(options, files, started, logger, "fix-urls"));
    }

    /// <summary>Every fix slot is taken: 503 at once (never a queue without bound), with when to try again.</summary>
    private static ProblemHttpResult Busy(FixGate gate, HttpResponse response)
    {
        response.Headers.RetryAfter = FixGate.RetryAfterSeconds;
        return Problems.Make(StatusCodes.Status503ServiceUnavailable, "Service busy",
            $"{gate.MaxConcurrent} fix request(s) are already running (Preflight:Fix:MaxConcurrent). Retry shortly.");
    }

    private static CheckReport FixReport(FixOptions options, List<FileReport> files, long started, ILogger logger, string origin)
    {
        var report = CheckReport.Create(options.Profile.Name, options.Plan, files, Stopwatch.GetElapsedTime(started)) with
        {
            Fixes = FixSummary.Of(files),
        };
        Log.Checked(logger, report.Summary.Files, origin, report.Summary.Passed, report.Summary.Failed, report.Summary.DurationMs);
        return report;
    }

    private static async Task<Results<Ok<CheckReport>, ProblemHttpResult>> FixFilesAsync(
        HttpRequest request,
        [FromQuery] string? plan,
        [FromQuery] string? trim,
        [FromQuery] string? salvage,
        [FromQuery(Name = "profile")] string? profileName,
        Profile active,
        ProfileCatalog catalog,
        UploadReceiver receiver,
        Remediator remediator,
        Stager stager,
        FixGate gate,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        FixOptions options;
        try
        {
            var profile = CheckParameters.SelectProfile(catalog, active, profileName);
            options = new FixOptions
            {
                Profile = profile,
                Plan = CheckParameters.ParsePlan(profile, plan),
                Trim = CheckParameters.ParseFlag("trim", trim),
                Salvage = CheckParameters.ParseFlag("salvage", salvage),
                AskWith = LossyOptionNames.Http,
            };
        }
        catch (RequestProblemException problem)
        {
            return problem.ToResult();
        }

        using var slot = gate.TryEnter();
        if (slot is null) return Busy(gate, request.HttpContext.Response);

        UploadBatch batch;
        try
        {
            batch = await receiver.ReceiveAsync(request, cancellationToken, options.Profile);
        }
        catch (RequestProblemException problem)
        {
            return problem.ToResult();
        }

        using (batch)
        {
            var logger = loggerFactory.CreateLogger("Preflight.Api.Fix");
            var baseUrl = RequestBaseUrl.Of(request);
            var files = new List<FileReport>(batch.Files.Count);
            // One slot per request: its files are fixed one after another, so MaxConcurrent bounds the encoders running.
            foreach (var file in batch.Files)
                files.Add(await FixUploadAsync(remediator, stager, file, options, baseUrl, logger, cancellationToken));
            return TypedResults.Ok(FixReport(options, files, started, logger, "fix-upload"));
        }
    }

    private static async Task<FileReport> FixUploadAsync(Remediator remediator, Stager stager, ReceivedFile file, FixOptions options,
        string? baseUrl, ILogger logger, CancellationToken cancellationToken)
    {
        var request = new InspectionRequest(file.FilePath, file.DisplayName) { DeclaredKind = file.DeclaredKind };
        if (!file.Ingested.Truncated) return await FixOneAsync(remediator, stager, request, options, baseUrl, logger, cancellationToken);

        // Over the size limit: only its first bytes were kept, so there is nothing whole to fix.
        var inspection = new InspectionOptions { Profile = options.Profile, Plan = options.Plan };
        var oversize = await FileInspection.InspectAsync((_, _, _) => throw new UnreachableException(), request, file.Ingested,
            inspection, showReason: false, onEngineFailure: null, cancellationToken);
        return oversize with { Fix = new FixInfo { Status = FixStatus.NotFixable, Reason = "The upload is over the size limit: it was not kept whole, so it cannot be fixed here." } };
    }

    private static async Task<FileReport> FixOneAsync(Remediator remediator, Stager stager, InspectionRequest request, FixOptions options,
        string? baseUrl, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            using var outcome = await remediator.FixAsync(request, options, cancellationToken);
            if (outcome.OutputPath is null || outcome.OutputExtension is null) return outcome.Report;
            return await StageOutputAsync(stager, outcome, baseUrl, cancellationToken);
        }
        catch (Exception e) when (e is not (MissingToolException or OperationCanceledException))
        {
            Log.EngineFailed(logger, Log.Escape(request.DisplayPath), e);
            var inspection = new InspectionOptions { Profile = options.Profile, Plan = options.Plan };
            const string reason = "Preflight could not fix this file (an internal error; it was logged).";
            return FileInspection.EngineFailure(request, inspection, e, showReason: false) with
            {
                Fix = new FixInfo { Status = FixStatus.NotFixable, Reason = reason },
            };
        }
    }

    /// <summary>The fixed output goes through the staging store under its content address; its URL is <c>fix.output</c>.</summary>
    private static async Task<FileReport> StageOutputAsync(Stager stager, FixOutcome outcome, string? baseUrl, CancellationToken cancellationToken)
    {
        try
        {
            var staged = await stager.StageFixedAsync(outcome, baseUrl, cancellationToken);
            return outcome.WithOutput(staged.Url);
        }
        catch (StagingException e)
        {
            return outcome.WithOutput(null).WithFindings(
                [Finding.Error(FindingCodes.StagingFailed, $"The file was fixed but its output could not be staged: {e.Message}")]);
        }
    }
}
