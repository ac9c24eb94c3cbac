using Preflight.Core.Formats;

namespace Preflight.Core.Sniffing;

/// <summary>MIME types of <see cref="KnownFormats"/>, both ways (declared in <see cref="FormatRegistry"/>).</summary>
public static class FormatMimes
{
    /// <summary>The MIME type reported for a sniffed format (<c>application/octet-stream</c> for anything unknown).</summary>
    public static string MimeOf(string format) => FormatRegistry.Find(format)?.Mime ?? "application/octet-stream";

    /// <summary>
    /// The format an HTTP <c>Content-Type</c> claims (parameters such as <c>; charset=utf-8</c> ignored), or
    /// <c>null</c> when it claims nothing specific: missing, malformed, <c>application/octet-stream</c> or unlisted.
    /// Structured suffixes count: <c>application/ld+json</c> → json, <c>application/atom+xml</c> → xml.
    /// </summary>
    public static string? FormatFromMime(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return null;
        var semicolon = contentType.IndexOf(';');
        var mime = (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim();
        var slash = mime.IndexOf('/');
        if (slash <= 0 || slash == mime.Length - 1 || mime.IndexOf('/', slash + 1) >= 0) return null;

        if (FormatRegistry.ClaimedBy(mime) is { } claimed) return claimed.Id;
        if (mime.EndsWith("+json", StringComparison.OrdinalIgnoreCase)) return KnownFormats.Json;
        if (mime.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)) return KnownFormats.Xml;
        return null;
    }
}
