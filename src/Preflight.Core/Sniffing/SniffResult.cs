using Preflight.Core.Formats;

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
    public const string Tga = "tga";
    public const string Netpbm = "netpbm";
    public const string Wav = "wav";
    public const string Mp3 = "mp3";
    public const string Flac = "flac";
    public const string Ogg = "ogg";
    public const string Aac = "aac";
    public const string Mp2 = "mp2";
    public const string W64 = "w64";
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

/// <summary>Which kind of media a format is, whether or not a profile accepts it (from <see cref="FormatRegistry"/>).</summary>
public static class FormatFamilies
{
    public static Reports.AssetKind FamilyOf(string format) =>
        FormatRegistry.Find(format)?.Family ?? Reports.AssetKind.Unknown;

    /// <summary>Human name for messages: "PNG image", "QuickTime MOV video", …</summary>
    public static string Describe(string format) => FormatRegistry.Find(format)?.DisplayName ?? "unrecognised data";
}
