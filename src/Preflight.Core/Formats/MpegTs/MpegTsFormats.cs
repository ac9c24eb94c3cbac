using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.MpegTs;

/// <summary>MPEG transport streams: recognised, never opened.</summary>
internal static class MpegTsFormats
{
    public static FormatDeclaration MpegTs { get; } = new(
        KnownFormats.MpegTs, "MPEG transport stream", AssetKind.Video, "video/mp2t",
        Extensions: [".ts", ".m2ts", ".mts"],
        ClaimedBy: ["video/mp2t"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new MpegTsDetector(), MpegTs);
}
