using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Preflight.Api.Hosting;
using Preflight.Staging;

namespace Preflight.Api.Endpoints;

/// <summary>
/// <c>GET /staged/{name}</c>: files staged by the local store, served to whoever has the URL (the generation API
/// fetches them anonymously). Only content-address names are served, so nothing else on disk is reachable.
/// </summary>
internal static class StagedEndpoints
{
    // The name is the content's hash: the bytes behind a URL never change.
    private const string Immutable = "public, max-age=31536000, immutable";

    public static IEndpointRouteBuilder MapStagedEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/staged/{name}", [HttpMethods.Get, HttpMethods.Head], GetStaged)
            .WithName("GetStaged")
            .WithTags("Staging")
            .WithSummary("Download a file staged by the local store")
            .WithDescription("Names are '<sha256>.<ext>' as returned in 'staged.url'. Supports range requests; " +
                "answers 404 for any other name and when staging goes to Azure Blob Storage.")
            .Produces(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status206PartialContent)
            .ProducesProblem(StatusCodes.Status404NotFound)
            // A large video to a slow client may take longer than an inspection request is allowed to.
            .DisableRequestTimeout();
        return app;
    }

    private static Results<PhysicalFileHttpResult, ProblemHttpResult> GetStaged(string name, IStagingStore store, HttpResponse response)
    {
        if (store is not LocalFolderStagingStore local || local.PathOf(name) is not { } path)
        {
            return Problems.Make(StatusCodes.Status404NotFound, "Not found",
                $"No staged file is named {Log.Escape(name, 80)}. Staged names are '<sha256>.<ext>' as returned in 'staged.url'.");
        }

        response.Headers.CacheControl = Immutable;
        return TypedResults.PhysicalFile(path, StagedNames.ContentTypeOf(name),
            entityTag: new EntityTagHeaderValue($"\"{name[..64]}\""), enableRangeProcessing: true);
    }
}
