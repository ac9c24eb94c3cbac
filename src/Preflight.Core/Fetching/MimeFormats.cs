using Preflight.Core.Sniffing;

namespace Preflight.Core.Fetching;

/// <summary>Media types as servers send them, mapped to the sniffer's format ids.</summary>
internal static class MimeFormats
{
    private static readonly Dictionary<string, string[]> Formats = new(StringComparer.OrdinalIgnoreCase)
    {
        ["video/mp4"] = [KnownFormats.Mp4],
        ["application/mp4"] = [KnownFormats.Mp4, KnownFormats.M4a],
        ["video/x-m4v"] = [KnownFormats.Mp4],
        ["video/quicktime"] = [KnownFormats.Mov],
        ["video/webm"] = [KnownFormats.Webm],
        ["video/x-matroska"] = [KnownFormats.Mkv],
        ["video/avi"] = [KnownFormats.Avi],
        ["video/x-msvideo"] = [KnownFormats.Avi],
        ["video/x-flv"] = [KnownFormats.Flv],
        ["video/mp2t"] = [KnownFormats.MpegTs],
        ["video/3gpp"] = [KnownFormats.ThreeGp],
        ["video/ogg"] = [KnownFormats.Ogg],
        ["image/jpeg"] = [KnownFormats.Jpeg],
        ["image/jpg"] = [KnownFormats.Jpeg],
        ["image/pjpeg"] = [KnownFormats.Jpeg],
        ["image/png"] = [KnownFormats.Png],
        ["image/x-png"] = [KnownFormats.Png],
        ["image/gif"] = [KnownFormats.Gif],
        ["image/webp"] = [KnownFormats.Webp],
        ["image/bmp"] = [KnownFormats.Bmp],
        ["image/x-ms-bmp"] = [KnownFormats.Bmp],
        ["image/tiff"] = [KnownFormats.Tiff],
        ["image/heic"] = [KnownFormats.Heif],
        ["image/heif"] = [KnownFormats.Heif],
        ["image/avif"] = [KnownFormats.Avif],
        ["image/svg+xml"] = [KnownFormats.Svg],
        ["audio/wav"] = [KnownFormats.Wav],
        ["audio/x-wav"] = [KnownFormats.Wav],
        ["audio/wave"] = [KnownFormats.Wav],
        ["audio/vnd.wave"] = [KnownFormats.Wav],
        ["audio/mpeg"] = [KnownFormats.Mp3],
        ["audio/mp3"] = [KnownFormats.Mp3],
        ["audio/x-mp3"] = [KnownFormats.Mp3],
        ["audio/mpeg3"] = [KnownFormats.Mp3],
        ["audio/mp4"] = [KnownFormats.M4a],
        ["audio/m4a"] = [KnownFormats.M4a],
        ["audio/x-m4a"] = [KnownFormats.M4a],
        ["audio/aac"] = [KnownFormats.Aac],
        ["audio/x-aac"] = [KnownFormats.Aac],
        ["audio/flac"] = [KnownFormats.Flac],
        ["audio/x-flac"] = [KnownFormats.Flac],
        ["audio/ogg"] = [KnownFormats.Ogg],
        ["application/ogg"] = [KnownFormats.Ogg],
        ["audio/webm"] = [KnownFormats.Webm],
        ["text/html"] = [KnownFormats.Html],
        ["application/xhtml+xml"] = [KnownFormats.Html],
        ["application/pdf"] = [KnownFormats.Pdf],
        ["application/zip"] = [KnownFormats.Zip],
        ["application/json"] = [KnownFormats.Json],
        ["application/xml"] = [KnownFormats.Xml, KnownFormats.Svg],
        ["text/xml"] = [KnownFormats.Xml, KnownFormats.Svg],
        ["text/plain"] = [KnownFormats.Text, KnownFormats.Hls, KnownFormats.FfConcat, KnownFormats.Json],
        ["application/vnd.apple.mpegurl"] = [KnownFormats.Hls],
        ["application/x-mpegurl"] = [KnownFormats.Hls],
        ["audio/mpegurl"] = [KnownFormats.Hls],
    };

    // Labels that promise nothing about the format.
    private static readonly HashSet<string> Generic = new(StringComparer.OrdinalIgnoreCase)
    {
        "application/octet-stream", "binary/octet-stream", "application/binary", "application/unknown",
        "application/x-download", "application/force-download", "application/download",
    };

    /// <summary>"Video/MP4; codecs=…" → "video/mp4"; null for nothing or garbage.</summary>
    public static string? MediaType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return null;
        var semicolon = contentType.IndexOf(';');
        var mediaType = (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim().ToLowerInvariant();
        var slash = mediaType.IndexOf('/');
        return slash > 0 && slash < mediaType.Length - 1 ? mediaType : null;
    }

    public static bool IsGeneric(string mediaType) => Generic.Contains(mediaType);

    public static IReadOnlyList<string>? FormatsOf(string mediaType) =>
        Formats.TryGetValue(mediaType, out var formats) ? formats : null;

    public static bool IsHtml(string? contentType) =>
        MediaType(contentType) is "text/html" or "application/xhtml+xml";

    /// <summary>The usual Content-Type of a format, for the fix of a mismatch.</summary>
    public static string? MimeOf(string format) => format switch
    {
        KnownFormats.Mp4 => "video/mp4",
        KnownFormats.Mov => "video/quicktime",
        KnownFormats.M4a => "audio/mp4",
        KnownFormats.ThreeGp => "video/3gpp",
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
        KnownFormats.Heif => "image/heif",
        KnownFormats.Avif => "image/avif",
        KnownFormats.Svg => "image/svg+xml",
        KnownFormats.Wav => "audio/wav",
        KnownFormats.Mp3 => "audio/mpeg",
        KnownFormats.Flac => "audio/flac",
        KnownFormats.Ogg => "audio/ogg",
        KnownFormats.Aac => "audio/aac",
        KnownFormats.Html => "text/html",
        KnownFormats.Pdf => "application/pdf",
        KnownFormats.Zip => "application/zip",
        KnownFormats.Json => "application/json",
        KnownFormats.Xml => "application/xml",
        KnownFormats.Text => "text/plain",
        KnownFormats.Hls => "application/vnd.apple.mpegurl",
        _ => null,
    };
}
