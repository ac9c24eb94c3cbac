using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Adts;

/// <summary>Raw AAC in ADTS frames: recognised, never opened.</summary>
internal static class AdtsFormats
{
    public static FormatDeclaration Aac { get; } = new(
        KnownFormats.Aac, "raw AAC (ADTS) audio", AssetKind.Audio, "audio/aac",
        Extensions: [".aac"],
        ClaimedBy: ["audio/aac", "audio/x-aac", "audio/aacp"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new AdtsDetector(), Aac);
}
