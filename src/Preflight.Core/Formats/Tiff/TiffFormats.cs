using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Tiff;

/// <summary>TIFF and BigTIFF: recognised, never opened.</summary>
internal static class TiffFormats
{
    public static FormatDeclaration Tiff { get; } = new(
        KnownFormats.Tiff, "TIFF image", AssetKind.Image, "image/tiff",
        Extensions: [".tif", ".tiff"],
        ClaimedBy: ["image/tiff", "image/tiff-fx"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new TiffDetector(), Tiff);
}
