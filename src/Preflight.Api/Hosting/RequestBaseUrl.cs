namespace Preflight.Api.Hosting;

internal static class RequestBaseUrl
{
    /// <summary>
    /// Where this request reached the service. The Host header comes from the client, so behind a proxy (or to pin
    /// the URL) set <c>Preflight:PublicBaseUrl</c>, which the local store prefers.
    /// </summary>
    public static string Of(HttpRequest request) =>
        $"{request.Scheme}://{request.Host.ToUriComponent()}{request.PathBase.ToUriComponent()}";
}
