using System.Globalization;
using System.Net;
using Preflight.Core.Reports;

namespace Preflight.Core.Rules;

/// <summary>What a HEAD request to a URL asset answered (see <see cref="Fetching.UrlFetcher.HeadAsync"/>).</summary>
/// <param name="Failure">Why no answer came (DNS, refused, blocked, …), or null when the server answered.</param>
public sealed record HeadAnswer(int? Status, string? ContentType, long? ContentLength, string? Failure);

/// <summary>
/// The per-URL rules of a profile (<see cref="UrlLimits"/>): pure functions over the URL, what the fetch saw and
/// what a HEAD request answered. The URL inspector applies them; a rule the profile does not set is not checked.
/// </summary>
public static class UrlRules
{
    private static readonly string[] GenericTypes = ["application/octet-stream", "binary/octet-stream"];

    /// <summary>Rules about the URL text: <c>url.too_long</c>, <c>url.not_https</c>, <c>url.host_is_ip</c>.</summary>
    public static IEnumerable<Finding> BeforeFetch(UrlLimits? rules, string url)
    {
        if (rules is null) yield break;

        if (rules.MaxLength is { } max && url.Length > max.Value)
        {
            yield return Finding.Error(FindingCodes.UrlTooLong,
                $"The URL is {url.Length} characters long; at most {max.Value} are accepted ({max.Source}).",
                actual: url.Length.ToString(CultureInfo.InvariantCulture),
                limit: max.Value.ToString(CultureInfo.InvariantCulture));
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) yield break; // url.invalid says it

        if (rules.HttpsOnly is { Value: true } https && uri.Scheme != Uri.UriSchemeHttps)
        {
            yield return Finding.Error(FindingCodes.UrlNotHttps,
                $"The URL uses {uri.Scheme}; only HTTPS URLs are accepted ({https.Source}).",
                actual: uri.Scheme,
                limit: "https");
        }

        if (rules.HostMustBeName is { Value: true } name && (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || IPAddress.TryParse(uri.Host, out _)))
        {
            yield return Finding.Error(FindingCodes.UrlHostIsIp,
                $"The URL's host is the IP address {uri.Host}; it must be a domain name ({name.Source}).",
                actual: uri.Host,
                limit: "a domain name");
        }
    }

    /// <summary>Rules about the fetch: <c>url.redirected</c>, <c>url.generic_content_type</c>.</summary>
    public static IEnumerable<Finding> AfterFetch(UrlLimits? rules, UrlSource source)
    {
        if (rules is null) yield break;

        if (rules.NoRedirects is { Value: true } noRedirects && source.Redirects > 0)
        {
            yield return Finding.Error(FindingCodes.UrlRedirected,
                $"The URL redirects ({source.Redirects} redirect(s), to {source.FinalUrl}); redirects are not followed ({noRedirects.Source}). Give the final URL.",
                actual: source.Redirects.ToString(CultureInfo.InvariantCulture),
                limit: "0");
        }

        if (rules.RefuseOctetStream is { Value: true } generic && IsGeneric(source.ContentType))
        {
            yield return Finding.Error(FindingCodes.UrlGenericContentType,
                $"The server sends Content-Type {Fetching.MimeFormats.MediaType(source.ContentType)}; it must name the media type ({generic.Source}).",
                actual: Fetching.MimeFormats.MediaType(source.ContentType),
                limit: "the asset's media type (video/mp4, image/png, …)");
        }
    }

    /// <summary>The HEAD rule: <c>url.head_failed</c>, <c>url.headers_missing</c>.</summary>
    public static IEnumerable<Finding> Head(UrlLimits? rules, HeadAnswer answer)
    {
        if (rules?.HeadWithContentTypeAndLength is not { Value: true } head) yield break;

        if (answer.Failure is not null || answer.Status is not (>= 200 and < 300))
        {
            var what = answer.Failure ?? $"HTTP {answer.Status}";
            yield return Finding.Error(FindingCodes.UrlHeadFailed,
                $"A HEAD request to the URL failed ({what}); the server must answer HEAD requests ({head.Source}).",
                actual: what,
                limit: "2xx");
            yield break;
        }

        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(answer.ContentType)) missing.Add("Content-Type");
        if (answer.ContentLength is null) missing.Add("Content-Length");
        if (missing.Count > 0)
        {
            yield return Finding.Error(FindingCodes.UrlHeadersMissing,
                $"The server's answer to HEAD has no {string.Join(" and no ", missing)} header ({head.Source}).",
                actual: "missing " + string.Join(", ", missing),
                limit: "Content-Type and Content-Length");
        }
    }

    /// <summary>True when the profile asks for a HEAD request.</summary>
    public static bool WantsHead(UrlLimits? rules) => rules?.HeadWithContentTypeAndLength is { Value: true };

    private static bool IsGeneric(string? contentType) =>
        Fetching.MimeFormats.MediaType(contentType) is { } type && GenericTypes.Contains(type, StringComparer.OrdinalIgnoreCase);
}
