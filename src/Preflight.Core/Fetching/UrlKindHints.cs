using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Fetching;

/// <summary>
/// What a URL says about its asset before the bytes do: the kind its path or Content-Type suggests, and whether
/// the Content-Type agrees with the sniffed format.
/// </summary>
public static class UrlKindHints
{
    private static readonly Dictionary<string, AssetKind> ExtensionKinds = new(StringComparer.OrdinalIgnoreCase)
    {
        [".mp4"] = AssetKind.Video, [".m4v"] = AssetKind.Video, [".mov"] = AssetKind.Video, [".webm"] = AssetKind.Video,
        [".mkv"] = AssetKind.Video, [".avi"] = AssetKind.Video, [".flv"] = AssetKind.Video, [".ts"] = AssetKind.Video,
        [".3gp"] = AssetKind.Video,
        [".jpg"] = AssetKind.Image, [".jpeg"] = AssetKind.Image, [".png"] = AssetKind.Image, [".gif"] = AssetKind.Image,
        [".webp"] = AssetKind.Image, [".bmp"] = AssetKind.Image, [".tif"] = AssetKind.Image, [".tiff"] = AssetKind.Image,
        [".heic"] = AssetKind.Image, [".heif"] = AssetKind.Image, [".avif"] = AssetKind.Image, [".svg"] = AssetKind.Image,
        [".wav"] = AssetKind.Audio, [".mp3"] = AssetKind.Audio, [".m4a"] = AssetKind.Audio, [".aac"] = AssetKind.Audio,
        [".flac"] = AssetKind.Audio, [".ogg"] = AssetKind.Audio, [".oga"] = AssetKind.Audio, [".opus"] = AssetKind.Audio,
    };

    /// <summary>The kind the URL path's extension names (<c>/a/b.mp4?sig=…</c> → video), or null.</summary>
    public static AssetKind? FromPath(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri) return null;
        var path = Uri.UnescapeDataString(url.AbsolutePath);
        var extension = Path.GetExtension(path.AsSpan(path.LastIndexOf('/') + 1)).ToString();
        return FromExtension(extension);
    }

    /// <summary>The kind an extension usually names (<c>.mp4</c> → video), or null.</summary>
    public static AssetKind? FromExtension(string? extension) =>
        extension is not null && ExtensionKinds.TryGetValue(extension, out var kind) ? kind : null;

    /// <summary>The kind a Content-Type names (<c>video/mp4</c> → video), or null when it names none (octet-stream, html, …).</summary>
    public static AssetKind? FromContentType(string? contentType)
    {
        var mediaType = MimeFormats.MediaType(contentType);
        if (mediaType is null) return null;
        if (FormatMimes.FormatFromMime(mediaType) is { } format)
        {
            var kind = FormatFamilies.FamilyOf(format);
            return kind == AssetKind.Unknown ? null : kind;
        }
        // An unlisted type still names its family: video/x-brand-new is a video.
        return mediaType[..mediaType.IndexOf('/')] switch
        {
            "video" => AssetKind.Video,
            "image" => AssetKind.Image,
            "audio" => AssetKind.Audio,
            _ => null,
        };
    }

    /// <summary>
    /// A <c>url.content_type_mismatch</c> warning when the server's Content-Type names another format than the
    /// bytes are (<c>image/jpeg</c> served for a PNG); null when they agree, or when either side says nothing
    /// (no Content-Type, <c>application/octet-stream</c>, unrecognised bytes).
    /// </summary>
    public static Finding? ContentTypeMismatch(string? contentType, string sniffedFormat)
    {
        ArgumentNullException.ThrowIfNull(sniffedFormat);
        var mediaType = MimeFormats.MediaType(contentType);
        if (mediaType is null) return null;
        if (sniffedFormat is KnownFormats.Unknown or KnownFormats.Empty) return null;

        if (FormatMimes.FormatFromMime(mediaType) is { } claimed)
        {
            if (MimeFormats.Agrees(mediaType, claimed, sniffedFormat)) return null;
        }
        else
        {
            // A type with no table entry (or a generic one like octet-stream): only a media family can disagree.
            var declared = FromContentType(mediaType);
            if (declared is null || declared == FormatFamilies.FamilyOf(sniffedFormat)) return null;
        }

        var expected = FormatMimes.MimeOf(sniffedFormat);
        return Finding.Warning(FindingCodes.UrlContentTypeMismatch,
            $"The server labels the file '{mediaType}' but the bytes are {Article(FormatFamilies.Describe(sniffedFormat))}; "
            + "the generation API may trust the header and mis-handle the file.",
            actual: mediaType,
            limit: expected,
            fix: $"Serve the file with 'Content-Type: {expected}' (or convert it to the format its label promises).");
    }

    private static string Article(string description) =>
        (description.Length > 0 && "AEIOUaeiou".Contains(description[0]) ? "an " : "a ") + description;
}
