using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Png;

/// <summary>PNG: signature, chunk walk with CRCs (PngStructure), ImageSharp for the header.</summary>
internal static class PngFormats
{
    public static FormatDeclaration Png { get; } = new(
        KnownFormats.Png, "PNG image", AssetKind.Image, "image/png",
        Extensions: [".png"],
        ClaimedBy: ["image/png", "image/x-png", "image/apng"])
    {
        Prober = Image.ImageFormatProber.Instance,
    };

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new PngDetector(), Png);
}
