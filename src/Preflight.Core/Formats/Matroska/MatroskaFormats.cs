using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Matroska;

/// <summary>Matroska and WebM (EBML), told apart by the DocType.</summary>
internal static class MatroskaFormats
{
    public static FormatDeclaration Webm { get; } = new(
        KnownFormats.Webm, "WebM video", AssetKind.Video, "video/webm",
        Extensions: [".webm"],
        ClaimedBy: ["video/webm", "audio/webm"]);

    public static FormatDeclaration Mkv { get; } = new(
        KnownFormats.Mkv, "Matroska (MKV) video", AssetKind.Video, "video/x-matroska",
        Extensions: [".mkv", ".mka"],
        ClaimedBy: ["video/x-matroska", "video/matroska", "audio/x-matroska"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new EbmlDetector(), Webm, Mkv);
}
