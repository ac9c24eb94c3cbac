using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Tga;

/// <summary>TGA: recognised, never opened by a check; a fix converts it to PNG through ImageSharp.</summary>
internal static class TgaFormats
{
    public static FormatDeclaration Tga { get; } = new(
        KnownFormats.Tga, "TGA image", AssetKind.Image, "image/x-tga",
        Extensions: [".tga"],
        ClaimedBy: ["image/x-tga", "image/x-targa", "image/tga"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new TgaDetector(), Tga);
}
