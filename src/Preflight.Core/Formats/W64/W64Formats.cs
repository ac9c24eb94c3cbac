using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.W64;

/// <summary>Sony Wave64 audio: recognised, never probed; a fix converts it (ffmpeg's w64 demuxer, forced).</summary>
internal static class W64Formats
{
    public static FormatDeclaration W64 { get; } = new(
        KnownFormats.W64, "Sony Wave64 (W64) audio", AssetKind.Audio, "audio/x-w64",
        Extensions: [".w64"],
        ClaimedBy: ["audio/x-w64"])
    {
        FixFfmpeg = new("w64", "w64", "input.w64"),
    };

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new W64Detector(), W64);
}
