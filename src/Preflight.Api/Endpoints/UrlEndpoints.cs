using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Preflight.Api.Hosting;
using Preflight.Api.Uploads;
using Preflight.Core.Fetching;
using Preflight.Core.Inspection;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Core.Sniffing;

namespace Preflight.Api.Endpoints;

/// <summary>The body of <c>POST /v1/preflight/urls</c>.</summary>
/// <param name="Assets">The URLs to check, each with an optional kind (video, image, audio).</param>
/// <param name="Plan">free | pro | scale | enterprise, or null for the resource limits alone.</param>
/// <param name="Deep">Decode everything instead of structural checks alone.</param>
public sealed record UrlCheckRequest(IReadOnlyList<UrlAsset>? Assets, string? Plan = null, bool Deep = false);

/// <param name="Url">An absolute http(s) URL, as the generation API would fetch it.</param>
/// <param name="Kind">video | image | audio; when absent: from the URL path's extension, else the Content-Type, else the bytes.</param>
public sealed record UrlAsset(string? Url, string? Kind = null);

/// <summary>
/// <c>POST /v1/preflight/urls</c>: fetches each URL the way the generation API's fetcher would (public addresses only),
/// then inspects it with the same engine. A URL that cannot be fetched is a <c>fail</c> entry, not a request error.
/// </summary>
internal static class UrlEndpoints
{
    private const long MaxJsonBytes = 1024 * 1024;

    public static RouteGroupBuilder MapUrlEndpoints(this RouteGroupBuilder preflight)
    {
        preflight.MapPost("/urls", CheckUrlsAsync)
            .WithName("CheckUrls")
            .WithSummary("Fetch and inspect media URLs")
            .WithDescription("Each file entry of the report gains a 'source' object (url, finalUrl, httpStatus, contentType, " +
                "contentLength, redirects). Unreachable, blocked or erroring URLs are 'fail' entries in a 200 report.")
            .Accepts<UrlCheckRequest>("application/json");
        return preflight;
    }

    private static async Task<Results<Ok<CheckReport>, ProblemHttpResult>> CheckUrlsAsync(
        HttpRequest request,
        Profile profile,
        UrlFetcher fetcher,
        InspectionRunner runner,
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
        try
        {
            body = await ReadBodyAsync(request, json.Value.SerializerOptions, cancellationToken);
            assets = ValidateAssets(body, inspectionOptions.Value.MaxAssets);
            plan = CheckParameters.ParsePlan(profile, body.Plan);
        }
        catch (RequestProblemException problem)
        {
            return problem.ToResult();
        }

        var options = new InspectionOptions { Profile = profile, Plan = plan, Deep = body.Deep };
        using var folder = PrivateTempFolder.Create(uploadOptions.Value, logger);
        var files = await Task.WhenAll(assets.Select(asset =>
            CheckOneAsync(asset.Url, asset.Kind, profile, options, fetcher, runner, folder.Path, logger, cancellationToken)));

        var report = CheckReport.Create(profile.Name, plan, files, Stopwatch.GetElapsedTime(started));
        Log.Checked(logger, report.Summary.Files, "urls", report.Summary.Passed, report.Summary.Failed, report.Summary.DurationMs);
        return TypedResults.Ok(report);
    }

    private static async Task<FileReport> CheckOneAsync(string url, AssetKind? requestedKind, Profile profile, InspectionOptions options,
        UrlFetcher fetcher, InspectionRunner runner, string folder, ILogger logger, CancellationToken cancellationToken)
    {
        var uri = Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? parsed : null;
        var kindBeforeFetch = requestedKind ?? (uri is null ? null : UrlKindHints.FromPath(uri));
        var fetched = await fetcher.FetchAsync(url, FetchLimits.For(profile, kindBeforeFetch), folder, cancellationToken);
        var kindAfterHeaders = kindBeforeFetch ?? UrlKindHints.FromContentType(fetched.Source.ContentType);

        if (fetched.FilePath is null)
        {
            Log.UrlRefused(logger, Log.RedactUrl(url), fetched.Findings.FirstOrDefault()?.Code ?? "unknown");
            return new FileReport
            {
                Path = url,
                Kind = kindAfterHeaders ?? AssetKind.Unknown,
                Verdict = Verdict.Fail,
                Findings = fetched.Findings,
                Source = fetched.Source,
            };
        }

        Log.UrlFetched(logger, Log.RedactUrl(url), fetched.Source.HttpStatus, fetched.BytesWritten, fetched.Source.Redirects);
        try
        {
            var sniffed = FormatSniffer.Default.Sniff(fetched.FilePath);
            var kind = kindAfterHeaders ?? profile.KindAccepting(sniffed.Format) ?? FormatFamilies.FamilyOf(sniffed.Format);
            // The engine reads the extension from the display path: give it the URL's path, never its query string.
            var displayPath = uri?.GetLeftPart(UriPartial.Path) ?? url;
            var inspected = await runner.InspectAsync(
                new InspectionRequest(fetched.FilePath, displayPath) { DeclaredKind = kind, Sha256 = fetched.Sha256 }, options, cancellationToken);

            var mismatch = inspected.Detected is { } detected
                ? UrlKindHints.ContentTypeMismatch(fetched.Source.ContentType, detected.Format)
                : null;
            return inspected.WithFindings([.. fetched.Findings, .. mismatch is null ? [] : new[] { mismatch }]) with
            {
                Path = url,
                Source = fetched.Source,
            };
        }
        finally
        {
            TryDelete(fetched.FilePath);
        }
    }

    private static async Task<UrlCheckRequest> ReadBodyAsync(HttpRequest request, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            throw RequestProblemException.UnsupportedMediaType(
                "Send a JSON body with 'Content-Type: application/json': {\"assets\": [{\"url\": \"https://…\", \"kind\": \"video\"}]}.");
        }
        if (request.ContentLength > MaxJsonBytes) throw TooLarge();
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = MaxJsonBytes;

        try
        {
            return await JsonSerializer.DeserializeAsync<UrlCheckRequest>(new CountingLimitStream(request.Body, MaxJsonBytes), options, cancellationToken)
                ?? throw RequestProblemException.BadRequest("The JSON body is null; expected {\"assets\": [...]}.");
        }
        catch (JsonException e)
        {
            throw RequestProblemException.BadRequest("The body is not valid JSON for this endpoint: " + e.Message);
        }
        catch (BodyTooLargeException)
        {
            throw TooLarge();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge();
        }
        catch (BadHttpRequestException e)
        {
            throw new RequestProblemException(e.StatusCode, "Bad request", "The request body could not be read: " + e.Message);
        }
    }

    private static List<(string Url, AssetKind? Kind)> ValidateAssets(UrlCheckRequest body, int maxAssets)
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

    private static RequestProblemException TooLarge() =>
        RequestProblemException.TooLarge($"The JSON body is over the limit of {MaxJsonBytes} bytes.");

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
