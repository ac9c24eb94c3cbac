namespace Preflight.Core.Sniffing;

/// <summary>What the first bytes of a file say it is. <see cref="Basis"/> says which bytes matched.</summary>
public sealed record SniffResult(string Format, string Mime, string Basis)
{
    public static SniffResult Empty { get; } = new(KnownFormats.Empty, "application/x-empty", "file has no bytes");

    public static SniffResult Unknown(string basis = "no known signature matched") =>
        new(KnownFormats.Unknown, "application/octet-stream", basis);
}

/// <summary>Format ids reported in <c>detected.format</c>. Stable strings.</summary>
public static class KnownFormats
{
    public const string Mp4 = "mp4";
    public const string Mov = "mov";
    public const string M4a = "m4a";
    public const string ThreeGp = "3gp";
    public const string Heif = "heif";
    public const string Avif = "avif";
    public const string Webm = "webm";
    public const string Mkv = "mkv";
    public const string Avi = "avi";
    public const string Flv = "flv";
    public const string MpegTs = "mpegts";
    public const string Jpeg = "jpeg";
    public const string Png = "png";
    public const string Gif = "gif";
    public const string Webp = "webp";
    public const string Bmp = "bmp";
    public const string Tiff = "tiff";
    public const string Wav = "wav";
    public const string Mp3 = "mp3";
    public const string Flac = "flac";
    public const string Ogg = "ogg";
    public const string Aac = "aac";
    public const string Pdf = "pdf";
    public const string Zip = "zip";
    public const string Html = "html";
    public const string Xml = "xml";
    public const string Svg = "svg";
    public const string Json = "json";
    public const string Text = "text";
    public const string Hls = "hls";
    public const string FfConcat = "ffconcat";
    public const string Empty = "empty";
    public const string Unknown = "unknown";
}

/// <summary>Which kind of media a format is, whether or not a profile accepts it.</summary>
public static class FormatFamilies
{
    public static Reports.AssetKind FamilyOf(string format) => format switch
    {
        KnownFormats.Mp4 or KnownFormats.Mov or KnownFormats.ThreeGp or KnownFormats.Webm or KnownFormats.Mkv
            or KnownFormats.Avi or KnownFormats.Flv or KnownFormats.MpegTs => Reports.AssetKind.Video,
        KnownFormats.Jpeg or KnownFormats.Png or KnownFormats.Gif or KnownFormats.Webp or KnownFormats.Bmp
            or KnownFormats.Tiff or KnownFormats.Heif or KnownFormats.Avif or KnownFormats.Svg => Reports.AssetKind.Image,
        KnownFormats.Wav or KnownFormats.Mp3 or KnownFormats.Flac or KnownFormats.Ogg or KnownFormats.Aac
            or KnownFormats.M4a => Reports.AssetKind.Audio,
        _ => Reports.AssetKind.Unknown,
    };

    /// <summary>Human name for messages: "PNG image", "QuickTime MOV video", …</summary>
    public static string Describe(string format) => format switch
    {
        KnownFormats.Mp4 => "MP4 video",
        KnownFormats.Mov => "QuickTime MOV video",
        KnownFormats.M4a => "audio-only MP4 (M4A)",
        KnownFormats.ThreeGp => "3GP video",
        KnownFormats.Heif => "HEIF image",
        KnownFormats.Avif => "AVIF image",
        KnownFormats.Webm => "WebM video",
        KnownFormats.Mkv => "Matroska (MKV) video",
        KnownFormats.Avi => "AVI video",
        KnownFormats.Flv => "Flash video (FLV)",
        KnownFormats.MpegTs => "MPEG transport stream",
        KnownFormats.Jpeg => "JPEG image",
        KnownFormats.Png => "PNG image",
        KnownFormats.Gif => "GIF image",
        KnownFormats.Webp => "WebP image",
        KnownFormats.Bmp => "BMP image",
        KnownFormats.Tiff => "TIFF image",
        KnownFormats.Wav => "WAV audio",
        KnownFormats.Mp3 => "MP3 audio",
        KnownFormats.Flac => "FLAC audio",
        KnownFormats.Ogg => "Ogg media",
        KnownFormats.Aac => "raw AAC (ADTS) audio",
        KnownFormats.Pdf => "PDF document",
        KnownFormats.Zip => "ZIP archive",
        KnownFormats.Html => "HTML web page",
        KnownFormats.Xml => "XML document",
        KnownFormats.Svg => "SVG image",
        KnownFormats.Json => "JSON document",
        KnownFormats.Text => "plain text",
        KnownFormats.Hls => "HLS playlist (text)",
        KnownFormats.FfConcat => "ffconcat script (text)",
        KnownFormats.Empty => "empty file",
        _ => "unrecognised data",
    };
}
