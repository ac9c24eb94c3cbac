using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Flv;

/// <summary>Flash video: recognised, never opened.</summary>
internal static class FlvFormats
{
    public static FormatDeclaration Flv { get; } = new(
        KnownFormats.Flv, "Flash video (FLV)", AssetKind.Video, "video/x-flv",
        Extensions: [".flv"],
        ClaimedBy: ["video/x-flv"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new FlvDetector(), Flv);
}
