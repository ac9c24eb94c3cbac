using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Mp2;

/// <summary>MP2 (MPEG-1/2 Layer II audio): recognised, never probed; a fix converts it (ffmpeg's MPEG audio demuxer, forced).</summary>
internal static class Mp2Formats
{
    public static FormatDeclaration Mp2 { get; } = new(
        KnownFormats.Mp2, "MP2 (MPEG Layer II) audio", AssetKind.Audio, "audio/mpeg",
        Extensions: [".mp2", ".mpa"],
        ClaimedBy: ["audio/x-mp2"])
    {
        // audio/mpeg is MP3's label, but it names every MPEG audio layer: an MP2 served with it does not disagree.
        AlsoLabelledAs = ["audio/mpeg"],
        // ffmpeg has no "mp2" demuxer: its "mp3" demuxer reads MPEG audio of every layer.
        FixFfmpeg = new("mp3", "mp3", "input.mp2"),
    };

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new Mp2Detector(), Mp2);
}
