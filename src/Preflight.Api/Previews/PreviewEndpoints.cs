using Microsoft.AspNetCore.Http.HttpResults;
using Preflight.Api.Hosting;
using Preflight.Core.Previews;

namespace Preflight.Api.Previews;

/// <summary><c>GET /v1/previews/{sha256}</c>: the preview of a file the service inspected with <c>?previews=true</c>.</summary>
internal static class PreviewEndpoints
{
    public static RouteGroupBuilder MapPreviewEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/previews/{sha256}", GetPreview)
            .WithName("GetPreview")
            .WithTags("Previews")
            .WithSummary("The preview picture of an inspected file")
            .WithDescription("A JPEG or PNG made by Preflight (image thumbnail, video frame or audio waveform, at most 320 px), " +
                "for files inspected with ?previews=true on POST /v1/preflight/files or /urls, by the file's SHA-256. " +
                "Kept in memory for a bounded time, count and size (Preflight:Previews:Ttl, MaxCount, MaxBytes); 404 after that.")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg", additionalContentTypes: ["image/png"])
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return v1;
    }

    private static Results<FileContentHttpResult, ProblemHttpResult> GetPreview(string sha256, PreviewStore store, HttpResponse response)
    {
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigit))
            return Problems.Make(StatusCodes.Status400BadRequest, "Bad request",
                $"{Log.Escape(sha256, 80)} is not a SHA-256: expected 64 hexadecimal digits, as in a report's 'sha256'.");
        if (store.Get(sha256) is not { } preview)
            return Problems.Make(StatusCodes.Status404NotFound, "Not found",
                "No preview is kept for this SHA-256: the file was not inspected with ?previews=true, no preview could be made, " +
                "or it has expired.");
        response.Headers.CacheControl = "private, max-age=300";
        response.Headers.XContentTypeOptions = "nosniff";
        return TypedResults.File(preview.Bytes, preview.MediaType);
    }
}
