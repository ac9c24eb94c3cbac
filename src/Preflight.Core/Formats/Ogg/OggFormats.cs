using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Ogg;

/// <summary>Ogg (Vorbis, Opus, Theora, …): recognised, never opened.</summary>
internal static class OggFormats
{
    public static FormatDeclaration Ogg { get; } = new(
        KnownFormats.Ogg, "Ogg media", AssetKind.Audio, "audio/ogg",
        Extensions: [".ogg", ".oga", ".ogv", ".opus"],
        ClaimedBy: ["audio/ogg", "video/ogg", "application/ogg", "audio/opus"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new OggDetector(), Ogg);
}
