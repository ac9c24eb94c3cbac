using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Preflight.Api.Hosting;
using Preflight.Api.Uploads;
using Preflight.Hosting;
using Preflight.Core.Fetching;
using Preflight.Core.Inspection;
using Preflight.Core.Jobs;
using Preflight.Core.Rules;

namespace Preflight.Api.Endpoints;

/// <summary>
/// <c>POST /v1/preflight/jobs</c>: a whole generation request (scenes, text, dimensions, plan, credits) checked before
/// it is submitted. Every asset URL in it is fetched and inspected like <c>/v1/preflight/urls</c> does.
/// </summary>
internal static class JobEndpoints
{
    private const string Example = "{\"endpoint\": \"video/generate\", \"plan\": \"pro\", \"request\": {\"video_inputs\": [...]}}";

    public static RouteGroupBuilder MapJobEndpoints(this RouteGroupBuilder preflight)
    {
        preflight.MapPost("/jobs", CheckJobAsync)
            .WithName("CheckJob")
            .WithSummary("Preflight a whole generation request: will it pass, on which plan, at what cost")
            .WithDescription("Body: {\"endpoint\", \"plan\"?, \"creditsRemaining\"?, \"request\"} where 'request' is the body that would be " +
                "sent to the generation API. Endpoints: " + string.Join(", ", JobChecker.SupportedEndpoints) + ". Answers 200 with the " +
                "verdict, findings (each with a JSON pointer 'path' into 'request'), 'minimumPlan', the duration and credit " +
                "estimate, and the report of every asset URL. An unknown endpoint is a 'fail' verdict, not an error.")
            .Accepts<JobCheckRequest>("application/json")
            .Produces<JobReport>();
        return preflight;
    }

    private static async Task<Results<Ok<JobReport>, ProblemHttpResult>> CheckJobAsync(
        HttpRequest request,
        [Microsoft.AspNetCore.Mvc.FromQuery(Name = "profile")] string? profileName,
        Profile active,
        ProfileCatalog catalog,
        UrlInspector urls,
        InspectionRunner runner,
        JobCheckerOptions jobOptions,
        IOptions<JsonOptions> json,
        IOptions<UploadOptions> uploadOptions,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var logger = loggerFactory.CreateLogger("Preflight.Api.Jobs");
        JobCheckRequest job;
        Profile profile;
        try
        {
            var element = await JsonBody.ReadAsync(request, Example, cancellationToken);
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw RequestProblemException.BadRequest(
                    $"The body must be a JSON object, not {element.ValueKind.ToString().ToLowerInvariant()}: {Example}.");
            }
            job = JsonBody.Bind<JobCheckRequest>(element, json.Value.SerializerOptions)!;
            profile = CheckParameters.SelectProfile(catalog, active, profileName ?? job.Profile);
            if (profile.Jobs is null)
            {
                throw RequestProblemException.BadRequest(
                    $"The '{profile.Name}' profile has no job rules: job requests are checked against heygen or a profile extending it.");
            }
        }
        catch (RequestProblemException problem)
        {
            return problem.ToResult();
        }

        using var folder = UploadReceiver.CreateFolder(uploadOptions.Value, logger);
        var checker = new JobChecker(profile, InspectAsset, jobOptions);
        JobReport report;
        try
        {
            report = await checker.CheckAsync(job, cancellationToken);
        }
        catch (JobRequestException e)
        {
            return Problems.Make(StatusCodes.Status400BadRequest, "Bad request", e.Message);
        }

        Log.JobChecked(logger, Log.Escape(report.Endpoint, 80), report.Plan ?? "any", report.Verdict.ToString().ToLowerInvariant(),
            report.Assets.Count, report.Findings.Count, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return TypedResults.Ok(report);

        // Same fetcher (and so the same Preflight:Fetch settings) and the same inspection gate as /v1/preflight/urls.
        Task<Core.Reports.FileReport> InspectAsset(JobAsset asset, string? plan, CancellationToken ct) =>
            urls.InspectAsync(asset.Url, asset.Kind, new InspectionOptions { Profile = profile, Plan = plan }, folder.Path,
                runner.InspectAsync, afterInspect: null, wholeBody: false, ct);
    }
}
