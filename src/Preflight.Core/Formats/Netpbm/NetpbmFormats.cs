using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Netpbm;

/// <summary>Netpbm: recognised, never opened by a check; a fix converts it to PNG through ImageSharp.</summary>
internal static class NetpbmFormats
{
    public static FormatDeclaration Netpbm { get; } = new(
        KnownFormats.Netpbm, "Netpbm image (PBM/PGM/PPM)", AssetKind.Image, "image/x-portable-anymap",
        Extensions: [".pnm", ".pbm", ".pgm", ".ppm"],
        ClaimedBy: ["image/x-portable-anymap", "image/x-portable-bitmap", "image/x-portable-graymap", "image/x-portable-pixmap"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new NetpbmDetector(), Netpbm);
}
