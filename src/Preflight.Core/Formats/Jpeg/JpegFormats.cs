using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Jpeg;

/// <summary>JPEG: SOI marker, marker walk (JpegStructure), ImageSharp for the header.</summary>
internal static class JpegFormats
{
    public static FormatDeclaration Jpeg { get; } = new(
        KnownFormats.Jpeg, "JPEG image", AssetKind.Image, "image/jpeg",
        Extensions: [".jpg", ".jpeg"],
        ClaimedBy: ["image/jpeg", "image/jpg", "image/pjpeg"])
    {
        Prober = Image.ImageFormatProber.Instance,
    };

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new JpegDetector(), Jpeg);
}
