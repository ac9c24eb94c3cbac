using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Bmp;

/// <summary>BMP: recognised, never opened.</summary>
internal static class BmpFormats
{
    public static FormatDeclaration Bmp { get; } = new(
        KnownFormats.Bmp, "BMP image", AssetKind.Image, "image/bmp",
        Extensions: [".bmp"],
        ClaimedBy: ["image/bmp", "image/x-bmp", "image/x-ms-bmp"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new BmpDetector(), Bmp);
}
