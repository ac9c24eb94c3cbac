using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Features;
using Preflight.Api.Hosting;
using Preflight.Api.Uploads;
using Preflight.Core.Reports;

namespace Preflight.Api.Endpoints;

/// <summary>
/// Reads the JSON body of the preflight endpoints with one set of answers: 415 for another content type,
/// 413 past <see cref="MaxBytes"/> (reading stops there), 400 for malformed JSON or the wrong shape.
/// </summary>
internal static class JsonBody
{
    public const long MaxBytes = 1024 * 1024;

    /// <param name="example">A short example body, shown in the 415 detail.</param>
    public static async Task<JsonElement> ReadAsync(HttpRequest request, string example, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
            throw RequestProblemException.UnsupportedMediaType($"Send a JSON body with 'Content-Type: application/json': {example}.");
        if (request.ContentLength > MaxBytes) throw TooLarge();
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = MaxBytes;

        try
        {
            using var document = await JsonDocument.ParseAsync(new CountingLimitStream(request.Body, MaxBytes), default, cancellationToken);
            return document.RootElement.Clone();
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
        catch (IOException e) when (!request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // Kestrel reports some broken framings (a chunk-size line that overflows: "Bad chunk size data") as a
            // plain IOException. The client is still there and sent a body that cannot be read: its fault, a 400.
            throw RequestProblemException.BadRequest("The request body could not be read: " + e.Message);
        }
    }

    /// <summary>
    /// The element as <typeparamref name="T"/>, read with the app's JSON options (build-time metadata from their
    /// resolvers, no reflection); a type mismatch (a number where text belongs …) is a 400.
    /// </summary>
    public static T? Bind<T>(JsonElement element, JsonSerializerOptions options)
    {
        var typeInfo = (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
        try
        {
            return element.Deserialize(typeInfo);
        }
        catch (JsonException e)
        {
            throw RequestProblemException.BadRequest("The body is not valid JSON for this endpoint: " + PreflightJson.Explain(e, typeInfo));
        }
    }

    private static RequestProblemException TooLarge() =>
        RequestProblemException.TooLarge($"The JSON body is over the limit of {MaxBytes} bytes.");
}
