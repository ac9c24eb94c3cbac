using System.Collections.Frozen;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats;

/// <summary>
/// The one list of formats Preflight knows. Each line is a folder's <c>Entry</c> (its detector and the formats it
/// names); adding a format is one folder under <c>Formats/</c> and one line here (see docs/adding-a-format.md).
/// </summary>
public static class FormatRegistry
{
    /// <summary>The zero-byte file: no signature names it, the sniffer reports it before any detector runs.</summary>
    internal static FormatDeclaration Empty { get; } = new(
        KnownFormats.Empty, "empty file", AssetKind.Unknown, "application/x-empty",
        Extensions: [], ClaimedBy: ["application/x-empty"]);

    /// <summary>
    /// In detector order, which is a behaviour: strong binary signatures first, then the weak ones (MP3/ADTS frame
    /// sync, TS sync bytes, bare QuickTime atoms), then text formats, most specific first (HLS and ffconcat before
    /// markup, JSON and plain text).
    /// </summary>
    internal static IReadOnlyList<FormatEntry> Entries { get; } =
    [
        Mp4.Mp4Formats.Entry,
        Matroska.MatroskaFormats.Entry,
        Riff.RiffFormats.Entry, // wav (Formats/Wav), avi, webp
        W64.W64Formats.Entry,
        Png.PngFormats.Entry,
        Jpeg.JpegFormats.Entry,
        Gif.GifFormats.Entry,
        Tiff.TiffFormats.Entry,
        Bmp.BmpFormats.Entry,
        Tga.TgaFormats.Entry,
        Flv.FlvFormats.Entry,
        Pdf.PdfFormats.Entry,
        Zip.ZipFormats.Entry,
        Ogg.OggFormats.Entry,
        Flac.FlacFormats.Entry,
        Mp3.Mp3Formats.Entry,
        Mp2.Mp2Formats.Entry,
        Adts.AdtsFormats.Entry,
        Id3.Id3Formats.Entry,
        MpegTs.MpegTsFormats.Entry,
        Mp4.QuickTimeAtomFormats.Entry,
        Hls.HlsFormats.Entry,
        FfConcat.FfConcatFormats.Entry,
        Markup.MarkupFormats.Entry,
        Json.JsonFormats.Entry,
        Netpbm.NetpbmFormats.Entry, // before text: a plain PBM/PGM/PPM is ASCII
        Text.TextFormats.Entry,
        new(null, Empty),
    ];

    /// <summary>Every declared format, in registry order.</summary>
    public static IReadOnlyList<FormatDeclaration> All { get; } = [.. Entries.SelectMany(e => e.Formats)];

    /// <summary>The detectors in the order the sniffer runs them.</summary>
    internal static IReadOnlyList<IFormatDetector> Detectors { get; } =
        [.. Entries.Select(e => e.Detector).OfType<IFormatDetector>()];

    private static readonly FrozenDictionary<string, FormatDeclaration> ById = All.ToFrozenDictionary(f => f.Id);

    private static readonly FrozenDictionary<string, FormatDeclaration> ByClaimedMime =
        All.SelectMany(f => f.ClaimedBy, (f, mime) => (f, mime))
            .ToFrozenDictionary(p => p.mime, p => p.f, StringComparer.OrdinalIgnoreCase);

    /// <summary>True when bytes of <paramref name="format"/> are what a bare media type promises: it claims them or also labels them.</summary>
    public static bool LabelAgrees(string mediaType, string format) =>
        ClaimedBy(mediaType)?.Id == format
        || (Find(format)?.AlsoLabelledAs.Contains(mediaType, StringComparer.OrdinalIgnoreCase) ?? false);

    /// <summary>The declaration of a <see cref="KnownFormats"/> id; null for <c>unknown</c> or anything undeclared.</summary>
    public static FormatDeclaration? Find(string format) => ById.GetValueOrDefault(format);

    /// <summary>The format a bare media type (no parameters) claims; null when none claims it.</summary>
    public static FormatDeclaration? ClaimedBy(string mediaType) => ByClaimedMime.GetValueOrDefault(mediaType);
}
