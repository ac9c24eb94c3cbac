using Preflight.Core.Sniffing;

namespace Preflight.Core.Fetching;

/// <summary>Content-Type helpers on top of <see cref="FormatMimes"/>, for what only URLs need.</summary>
internal static class MimeFormats
{
    /// <summary>"Video/MP4; codecs=…" → "video/mp4"; null for nothing or garbage.</summary>
    public static string? MediaType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return null;
        var semicolon = contentType.IndexOf(';');
        var mediaType = (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim().ToLowerInvariant();
        var slash = mediaType.IndexOf('/');
        return slash > 0 && slash < mediaType.Length - 1 && mediaType.IndexOf('/', slash + 1) < 0 ? mediaType : null;
    }

    public static bool IsHtml(string? contentType) => FormatMimes.FormatFromMime(contentType) == KnownFormats.Html;

    /// <summary>True when bytes of <paramref name="format"/> are what <paramref name="mediaType"/> promises.</summary>
    /// <remarks>Which labels also cover other formats is declared with the formats (<see cref="Formats.FormatDeclaration.AlsoLabelledAs"/>).</remarks>
    public static bool Agrees(string mediaType, string claimedFormat, string format) =>
        claimedFormat == format || Formats.FormatRegistry.LabelAgrees(mediaType, format);
}
