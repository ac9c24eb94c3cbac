namespace Preflight.Core.Sniffing;

/// <summary>MIME types of <see cref="KnownFormats"/>, both ways.</summary>
public static class FormatMimes
{
    /// <summary>The MIME type reported for a sniffed format (<c>application/octet-stream</c> for anything unknown).</summary>
    public static string MimeOf(string format) => format switch
    {
        KnownFormats.Mp4 => "video/mp4",
        KnownFormats.Mov => "video/quicktime",
        KnownFormats.M4a => "audio/mp4",
        KnownFormats.ThreeGp => "video/3gpp",
        KnownFormats.Heif => "image/heif",
        KnownFormats.Avif => "image/avif",
        KnownFormats.Webm => "video/webm",
        KnownFormats.Mkv => "video/x-matroska",
        KnownFormats.Avi => "video/x-msvideo",
        KnownFormats.Flv => "video/x-flv",
        KnownFormats.MpegTs => "video/mp2t",
        KnownFormats.Jpeg => "image/jpeg",
        KnownFormats.Png => "image/png",
        KnownFormats.Gif => "image/gif",
        KnownFormats.Webp => "image/webp",
        KnownFormats.Bmp => "image/bmp",
        KnownFormats.Tiff => "image/tiff",
        KnownFormats.Wav => "audio/wav",
        KnownFormats.Mp3 => "audio/mpeg",
        KnownFormats.Flac => "audio/flac",
        KnownFormats.Ogg => "audio/ogg",
        KnownFormats.Aac => "audio/aac",
        KnownFormats.Pdf => "application/pdf",
        KnownFormats.Zip => "application/zip",
        KnownFormats.Html => "text/html",
        KnownFormats.Xml => "application/xml",
        KnownFormats.Svg => "image/svg+xml",
        KnownFormats.Json => "application/json",
        KnownFormats.Text => "text/plain",
        KnownFormats.Hls => "application/vnd.apple.mpegurl",
        KnownFormats.FfConcat => "text/plain",
        KnownFormats.Empty => "application/x-empty",
        _ => "application/octet-stream",
    };

    // Registered types plus the aliases servers really send (audio/x-wav, image/jpg, audio/mp3, …).
    private static readonly Dictionary<string, string> FormatByMime = new(StringComparer.OrdinalIgnoreCase)
    {
        ["video/mp4"] = KnownFormats.Mp4,
        ["application/mp4"] = KnownFormats.Mp4,
        ["video/x-m4v"] = KnownFormats.Mp4,
        ["video/quicktime"] = KnownFormats.Mov,
        ["audio/mp4"] = KnownFormats.M4a,
        ["audio/x-m4a"] = KnownFormats.M4a,
        ["audio/m4a"] = KnownFormats.M4a,
        ["audio/x-m4b"] = KnownFormats.M4a,
        ["video/3gpp"] = KnownFormats.ThreeGp,
        ["video/3gpp2"] = KnownFormats.ThreeGp,
        ["audio/3gpp"] = KnownFormats.ThreeGp,
        ["audio/3gpp2"] = KnownFormats.ThreeGp,
        ["image/heif"] = KnownFormats.Heif,
        ["image/heic"] = KnownFormats.Heif,
        ["image/heif-sequence"] = KnownFormats.Heif,
        ["image/heic-sequence"] = KnownFormats.Heif,
        ["image/avif"] = KnownFormats.Avif,
        ["image/avif-sequence"] = KnownFormats.Avif,
        ["video/webm"] = KnownFormats.Webm,
        ["audio/webm"] = KnownFormats.Webm,
        ["video/x-matroska"] = KnownFormats.Mkv,
        ["video/matroska"] = KnownFormats.Mkv,
        ["audio/x-matroska"] = KnownFormats.Mkv,
        ["video/x-msvideo"] = KnownFormats.Avi,
        ["video/avi"] = KnownFormats.Avi,
        ["video/msvideo"] = KnownFormats.Avi,
        ["video/x-flv"] = KnownFormats.Flv,
        ["video/mp2t"] = KnownFormats.MpegTs,
        ["image/jpeg"] = KnownFormats.Jpeg,
        ["image/jpg"] = KnownFormats.Jpeg,
        ["image/pjpeg"] = KnownFormats.Jpeg,
        ["image/png"] = KnownFormats.Png,
        ["image/x-png"] = KnownFormats.Png,
        ["image/apng"] = KnownFormats.Png,
        ["image/gif"] = KnownFormats.Gif,
        ["image/webp"] = KnownFormats.Webp,
        ["image/bmp"] = KnownFormats.Bmp,
        ["image/x-bmp"] = KnownFormats.Bmp,
        ["image/x-ms-bmp"] = KnownFormats.Bmp,
        ["image/tiff"] = KnownFormats.Tiff,
        ["image/tiff-fx"] = KnownFormats.Tiff,
        ["audio/wav"] = KnownFormats.Wav,
        ["audio/x-wav"] = KnownFormats.Wav,
        ["audio/wave"] = KnownFormats.Wav,
        ["audio/vnd.wave"] = KnownFormats.Wav,
        ["audio/mpeg"] = KnownFormats.Mp3,
        ["audio/mp3"] = KnownFormats.Mp3,
        ["audio/x-mp3"] = KnownFormats.Mp3,
        ["audio/mpeg3"] = KnownFormats.Mp3,
        ["audio/x-mpeg-3"] = KnownFormats.Mp3,
        ["audio/flac"] = KnownFormats.Flac,
        ["audio/x-flac"] = KnownFormats.Flac,
        ["audio/ogg"] = KnownFormats.Ogg,
        ["video/ogg"] = KnownFormats.Ogg,
        ["application/ogg"] = KnownFormats.Ogg,
        ["audio/opus"] = KnownFormats.Ogg,
        ["audio/aac"] = KnownFormats.Aac,
        ["audio/x-aac"] = KnownFormats.Aac,
        ["audio/aacp"] = KnownFormats.Aac,
        ["application/pdf"] = KnownFormats.Pdf,
        ["application/zip"] = KnownFormats.Zip,
        ["application/x-zip-compressed"] = KnownFormats.Zip,
        ["text/html"] = KnownFormats.Html,
        ["application/xhtml+xml"] = KnownFormats.Html,
        ["application/xml"] = KnownFormats.Xml,
        ["text/xml"] = KnownFormats.Xml,
        ["image/svg+xml"] = KnownFormats.Svg,
        ["application/json"] = KnownFormats.Json,
        ["text/json"] = KnownFormats.Json,
        ["application/vnd.apple.mpegurl"] = KnownFormats.Hls,
        ["application/x-mpegurl"] = KnownFormats.Hls,
        ["audio/mpegurl"] = KnownFormats.Hls,
        ["audio/x-mpegurl"] = KnownFormats.Hls,
        ["text/plain"] = KnownFormats.Text,
        ["application/x-empty"] = KnownFormats.Empty,
    };

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

        if (FormatByMime.TryGetValue(mime, out var format)) return format;
        if (mime.EndsWith("+json", StringComparison.OrdinalIgnoreCase)) return KnownFormats.Json;
        if (mime.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)) return KnownFormats.Xml;
        return null;
    }
}
