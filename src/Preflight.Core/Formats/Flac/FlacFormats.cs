using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Flac;

/// <summary>FLAC: recognised, never opened.</summary>
internal static class FlacFormats
{
    public static FormatDeclaration Flac { get; } = new(
        KnownFormats.Flac, "FLAC audio", AssetKind.Audio, "audio/flac",
        Extensions: [".flac"],
        ClaimedBy: ["audio/flac", "audio/x-flac"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new FlacDetector(), Flac);
}
