using System.Reflection;
using Preflight.Core.Reports.Html;

namespace Preflight.Api.Page;

/// <summary>
/// The page at <c>/</c>: drop files, paste URLs or a job, see cards. Its files are embedded in the binary (no CDN,
/// works offline) and it is a plain client of the documented <c>/v1</c> API. The cards' script and style are the
/// ones the HTML report embeds (<see cref="HtmlAssets"/>), so both show the same card.
/// </summary>
internal static class PageEndpoints
{
    // Everything from this origin only; previews arrive as data: URLs. No inline script or style anywhere.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

    private static readonly Dictionary<string, (byte[] Bytes, string ContentType)> Assets = Load();

    public static IEndpointRouteBuilder MapPreflightPage(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", (HttpResponse response) => Serve(response, "index.html")).ExcludeFromDescription();
        app.MapGet("/page/{name}", (string name, HttpResponse response) => Serve(response, name)).ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(HttpResponse response, string name)
    {
        if (!Assets.TryGetValue(name, out var asset)) return Results.NotFound();
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        // Small files that change with each release: revalidate rather than serve a stale page after an upgrade.
        response.Headers.CacheControl = "no-cache";
        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    private static Dictionary<string, (byte[], string)> Load()
    {
        var assets = new Dictionary<string, (byte[], string)>(StringComparer.Ordinal)
        {
            ["cards.js"] = (HtmlAssets.Bytes(HtmlAssets.CardsScript), ContentTypeOf("cards.js")),
            ["cards.css"] = (HtmlAssets.Bytes(HtmlAssets.CardsStyle), ContentTypeOf("cards.css")),
        };
        const string prefix = "Preflight.Page.";
        var assembly = typeof(PageEndpoints).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[prefix.Length..];
            assets[name] = (copy.ToArray(), ContentTypeOf(name));
        }
        return assets;
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "application/octet-stream",
    };
}
