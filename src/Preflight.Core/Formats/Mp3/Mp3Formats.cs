using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Mp3;

/// <summary>MP3 (MPEG audio): two chained frame headers after any ID3v2 tags; the frame walk (Mp3FrameWalk) reads it.</summary>
internal static class Mp3Formats
{
    public static FormatDeclaration Mp3 { get; } = new(
        KnownFormats.Mp3, "MP3 audio", AssetKind.Audio, "audio/mpeg",
        Extensions: [".mp3"],
        ClaimedBy: ["audio/mpeg", "audio/mp3", "audio/x-mp3", "audio/mpeg3", "audio/x-mpeg-3"])
    {
        Prober = Mp3FormatProber.Instance,
        Ffmpeg = new("mp3", "mp3", "input.mp3"),
    };

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new Mp3Detector(), Mp3);
}
