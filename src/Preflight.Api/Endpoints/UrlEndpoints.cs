using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Preflight.Api.Hosting;
using Preflight.Api.Previews;
using Preflight.Api.Uploads;
using Preflight.Hosting;
using Preflight.Core.Fetching;
using Preflight.Core.Inspection;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Staging;

namespace Preflight.Api.Endpoints;

/// <summary>The body of <c>POST /v1/preflight/urls</c>.</summary>
/// <param name="Assets">The URLs to check, each with an optional kind (video, image, audio).</param>
/// <param name="Plan">free | pro | scale | enterprise, or null for the resource limits alone.</param>
/// <param name="Deep">Decode everything instead of structural checks alone.</param>
/// <param name="Profile">A loaded profile's name (as <c>?profile=</c>); null = the service's (Preflight:Profile).</param>
/// <param name="Hash">Read every body whole and report its SHA-256 (as <c>?hash=true</c>); quick checks otherwise read only what they need.</param>
public sealed record UrlCheckRequest(IReadOnlyList<UrlAsset>? Assets, string? Plan = null, bool Deep = false, string? Profile = null, bool Hash = false);

/// <param name="Url">An absolute http(s) URL, as the generation API would fetch it.</param>
/// <param name="Kind">video | image | audio; when absent: from the URL path's extension, else the Content-Type, else the bytes.</param>
public sealed record UrlAsset(string? Url, string? Kind = null);

/// <summary>
/// <c>POST /v1/preflight/urls</c>: fetches each URL the way the generation API's fetcher would (public addresses only),
/// then inspects it with the same engine. A URL that cannot be fetched is a <c>fail</c> entry, not a request error.
/// </summary>
internal static class UrlEndpoints
{
    private const string Example = "{\"assets\": [{\"url\": \"https://…\", \"kind\": \"video\"}]}";

    public static RouteGroupBuilder MapUrlEndpoints(this RouteGroupBuilder preflight)
    {
        preflight.MapPost("/urls", CheckUrlsAsync)
            .WithName("CheckUrls")
            .WithSummary("Fetch and inspect media URLs")
            .WithDescription("Each file entry of the report gains a 'source' object (url, finalUrl, httpStatus, contentType, " +
                "contentLength, redirects). Unreachable, blocked or erroring URLs are 'fail' entries in a 200 report. " +
                "With ?stage=true each passing file is also staged and its entry gains a 'staged' object with a public URL. " +
                "With ?previews=true each entry gains a 'preview' (thumbnail, video frame or waveform) when one can be made." +
                " " + "A quick check reads only what it needs from servers that serve byte ranges (MP4/MOV: the moov; WAV: the header); " +
                "'source' then says bytesFetched, rangeRequests and complete, and sha256 is absent unless ?hash=true (or \"hash\": true).")
            .Accepts<UrlCheckRequest>("application/json");
        return preflight;
    }

    private static async Task<Results<Ok<CheckReport>, ProblemHttpResult>> CheckUrlsAsync(
        HttpRequest request,
        [FromQuery] string? stage,
        [FromQuery] string? previews,
        [FromQuery(Name = "profile")] string? profileName,
        Profile active,
        ProfileCatalog catalog,
        [FromQuery] string? hash,
        UrlInspector urls,
        PreviewAttacher previewer,
        InspectionRunner runner,
        Stager stager,
        IOptions<JsonOptions> json,
        IOptions<UploadOptions> uploadOptions,
        IOptions<InspectionQueueOptions> inspectionOptions,
        ILoggerFactory loggerFactory,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var logger = loggerFactory.CreateLogger("Preflight.Api.Urls");
        UrlCheckRequest body;
        List<(string Url, AssetKind? Kind)> assets;
        string? plan;
        bool staging, hashing;
        bool withPreviews;
        Profile profile;
        try
        {
            staging = CheckParameters.ParseFlag("stage", stage);
            withPreviews = CheckParameters.ParseFlag("previews", previews);
            hashing = CheckParameters.ParseFlag("hash", hash);
            var element = await JsonBody.ReadAsync(request, Example, cancellationToken);
            body = JsonBody.Bind<UrlCheckRequest>(element, json.Value.SerializerOptions)
                ?? throw RequestProblemException.BadRequest("The JSON body is null; expected {\"assets\": [...]}.");
            assets = ValidateAssets(body, inspectionOptions.Value.MaxAssets);
            // ?profile= wins over the body's "profile".
            profile = CheckParameters.SelectProfile(catalog, active, profileName ?? body.Profile);
            plan = CheckParameters.ParsePlan(profile, body.Plan);
        }
        catch (RequestProblemException problem)
        {
            return problem.ToResult();
        }

        var options = new InspectionOptions { Profile = profile, Plan = plan, Deep = body.Deep };
        var baseUrl = RequestBaseUrl.Of(request);
        using var folder = UploadReceiver.CreateFolder(uploadOptions.Value, logger);
        var files = await Task.WhenAll(assets.Select(async asset =>
        {
            var fetched = false;
            var report = await urls.InspectAsync(asset.Url, asset.Kind, options, folder.Path, runner.InspectAsync,
                async (inspected, path, ct) =>
                {
                    // Only called when the download succeeded, while the file still exists.
                    fetched = true;
                    Log.UrlFetched(logger, Log.RedactUrl(asset.Url), inspected.Source?.HttpStatus, inspected.SizeBytes,
                        inspected.Source?.Redirects ?? 0);
                    inspected = await previewer.AttachAsync(inspected, path, withPreviews, baseUrl, ct);
                    return staging ? await stager.StageAsync(inspected, path, baseUrl, ct) : inspected;
                },
                // Staging uploads the body and names it by its hash, and a preview is made from the whole file and kept
                // by its hash: only a whole, hashed body will do.
                wholeBody: staging || hashing || body.Hash || withPreviews,
                cancellationToken);
            if (!fetched) Log.UrlRefused(logger, Log.RedactUrl(asset.Url), report.Findings.FirstOrDefault()?.Code ?? "unknown");
            return report;
        }));

        var report = CheckReport.Create(profile.Name, plan, files, Stopwatch.GetElapsedTime(started));
        Log.Checked(logger, report.Summary.Files, "urls", report.Summary.Passed, report.Summary.Failed, report.Summary.DurationMs);
        return TypedResults.Ok(report);
    }

    internal static List<(string Url, AssetKind? Kind)> ValidateAssets(UrlCheckRequest body, int maxAssets)
    {
        if (body.Assets is not { Count: > 0 } assets)
            throw RequestProblemException.BadRequest("The request has no assets; expected {\"assets\": [{\"url\": \"https://…\"}]}.");
        if (assets.Count > maxAssets)
            throw RequestProblemException.BadRequest($"At most {maxAssets} assets are accepted per request (got {assets.Count}).");

        var result = new List<(string, AssetKind?)>(assets.Count);
        for (var i = 0; i < assets.Count; i++)
        {
            var asset = assets[i] ?? throw RequestProblemException.BadRequest($"assets[{i}] is null.");
            if (string.IsNullOrWhiteSpace(asset.Url)) throw RequestProblemException.BadRequest($"assets[{i}].url is missing.");
            AssetKind? kind = null;
            if (!string.IsNullOrWhiteSpace(asset.Kind))
            {
                kind = Profile.ParseKind(asset.Kind.Trim())
                    ?? throw RequestProblemException.BadRequest(
                        $"assets[{i}].kind must be video, image or audio (got {Log.Escape(asset.Kind, 40)}).");
            }
            result.Add((asset.Url.Trim(), kind));
        }
        return result;
    }
}
