using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Preflight.Core.Probing;

namespace Preflight.Api.Hosting;

/// <summary>The RFC 7807 answers for what a client can get wrong, each with a clear <c>detail</c>.</summary>
internal static class Problems
{
    public static ProblemHttpResult Unauthorized(string detail) => Make(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    public static ProblemHttpResult QueueFull(int capacity) => Make(StatusCodes.Status503ServiceUnavailable, "Inspection queue full",
        $"The service is already handling {capacity} inspection requests; retry shortly.");

    public static ProblemHttpResult Make(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    /// <summary>Problems the framework answers by itself (routing, content-type matching) get a useful detail too.</summary>
    public static void FillFrameworkDetail(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Detail is not null) return;
        var request = context.HttpContext.Request;
        context.ProblemDetails.Detail = context.ProblemDetails.Status switch
        {
            StatusCodes.Status404NotFound => $"There is no endpoint at {request.Path}; see /docs for the API reference.",
            StatusCodes.Status405MethodNotAllowed => $"{request.Method} is not allowed on {request.Path}; see /docs for the API reference.",
            StatusCodes.Status415UnsupportedMediaType =>
                $"The Content-Type {Log.Escape(request.ContentType, 100)} is not accepted here: /v1/preflight/files takes "
                + "multipart/form-data with parts named 'file', /v1/preflight/urls and /v1/preflight/jobs take application/json.",
            _ => null,
        };
    }
}

/// <summary>Thrown while reading a request to answer with a problem instead of a report.</summary>
internal sealed class RequestProblemException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public ProblemHttpResult ToResult() => Problems.Make(Status, title, Message);

    public static RequestProblemException BadRequest(string detail) =>
        new(StatusCodes.Status400BadRequest, "Bad request", detail);

    public static RequestProblemException TooLarge(string detail) =>
        new(StatusCodes.Status413PayloadTooLarge, "Request body too large", detail);

    public static RequestProblemException UnsupportedMediaType(string detail) =>
        new(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail);
}

/// <summary>
/// A missing ffprobe/ffmpeg is the server's fault, not the client's: 503 with the install hint, never a stack trace.
/// Every other unhandled exception falls through to the default handler, which answers a bare 500 ProblemDetails.
/// </summary>
internal sealed class MissingToolExceptionHandler(IProblemDetailsService problems, ILogger<MissingToolExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not MissingToolException missing) return false;
        Log.ToolMissing(logger, missing.Tool);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = $"{missing.Tool} is not installed",
                Detail = missing.Message,
            },
        });
    }
}
