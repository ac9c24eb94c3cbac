using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Preflight.Api.Hosting;
using Preflight.Api.Previews;
using Preflight.Api.Uploads;
using Preflight.Hosting;
using Preflight.Core.Inspection;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Staging;

namespace Preflight.Api.Endpoints;

/// <summary>The form of <c>POST /v1/preflight/files</c>, for the OpenAPI document: one or more parts named <c>file</c>.</summary>
/// <param name="File">Each file to inspect; the part's file name gives the extension.</param>
public sealed record FileUploadForm(IReadOnlyList<IFormFile> File);

/// <summary><c>POST /v1/preflight/files</c>: uploaded files, inspected by the same engine as <c>preflight check</c>.</summary>
internal static class FileEndpoints
{
    public static RouteGroupBuilder MapFileEndpoints(this RouteGroupBuilder preflight)
    {
        preflight.MapPost("/files", CheckFilesAsync)
            .WithName("CheckFiles")
            .WithSummary("Inspect uploaded files")
            .WithDescription("multipart/form-data with one or more parts named 'file' (the file name gives the extension). " +
                "Answers the same report as `preflight check --format json`, one entry per part. " +
                "With ?stage=true each passing file is also staged and its entry gains a 'staged' object with a public URL. " +
                "With ?previews=true each entry gains a 'preview' (thumbnail, video frame or waveform) when one can be made.")
            .Accepts<FileUploadForm>("multipart/form-data")
            .DisableAntiforgery();
        return preflight;
    }

    private static async Task<Results<Ok<CheckReport>, ProblemHttpResult>> CheckFilesAsync(
        HttpRequest request,
        [FromQuery] string? plan,
        [FromQuery] string? deep,
        [FromQuery] string? stage,
        [FromQuery] string? previews,
        [FromQuery(Name = "profile")] string? profileName,
        Profile active,
        ProfileCatalog catalog,
        UploadReceiver receiver,
        PreviewAttacher previewer,
        InspectionRunner runner,
        Stager stager,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        CheckParameters parameters;
        bool withPreviews;
        UploadBatch batch;
        Profile profile;
        try
        {
            profile = CheckParameters.SelectProfile(catalog, active, profileName);
            parameters = CheckParameters.Parse(profile, plan, deep, stage);
            withPreviews = CheckParameters.ParseFlag("previews", previews);
            batch = await receiver.ReceiveAsync(request, cancellationToken, profile, verdictFromHead: true);
        }
        catch (RequestProblemException problem)
        {
            return problem.ToResult();
        }

        using (batch)
        {
            var logger = loggerFactory.CreateLogger("Preflight.Api.Files");
            var options = new InspectionOptions { Profile = profile, Plan = parameters.Plan, Deep = parameters.Deep };
            var baseUrl = RequestBaseUrl.Of(request);
            var files = await Task.WhenAll(batch.Files.Select(async file =>
            {
                var report = await FileInspection.InspectAsync(runner.InspectAsync,
                    new InspectionRequest(file.FilePath, file.DisplayName) { DeclaredKind = file.DeclaredKind }, file.Ingested,
                    options, showReason: false, e => Log.EngineFailed(logger, Log.Escape(file.DisplayName), e), cancellationToken);
                // Not kept whole (over the limit, or failed by its head): nothing to preview or stage.
                if (file.Ingested.Truncated || file.Ingested.HeadOnly) return report;
                report = await previewer.AttachAsync(report, file.FilePath, withPreviews, baseUrl, cancellationToken);
                // Staged from the temp file while the batch still holds it; the hash is the one taken while receiving.
                return parameters.Stage ? await stager.StageAsync(report, file.FilePath, baseUrl, cancellationToken) : report;
            }));

            var report = CheckReport.Create(profile.Name, parameters.Plan, files, Stopwatch.GetElapsedTime(started));
            Log.Checked(logger, report.Summary.Files, "upload",
                report.Summary.Passed, report.Summary.Failed, report.Summary.DurationMs);
            return TypedResults.Ok(report);
        }
    }
}
