using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Hls;

/// <summary>HLS playlists: recognised broadly and never opened (ffprobe would follow their URIs).</summary>
internal static class HlsFormats
{
    public static FormatDeclaration Hls { get; } = new(
        KnownFormats.Hls, "HLS playlist (text)", AssetKind.Unknown, "application/vnd.apple.mpegurl",
        Extensions: [".m3u8", ".m3u"],
        ClaimedBy: ["application/vnd.apple.mpegurl", "application/x-mpegurl", "audio/mpegurl", "audio/x-mpegurl"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new HlsDetector(), Hls);
}
