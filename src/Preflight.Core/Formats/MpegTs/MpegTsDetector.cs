using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.MpegTs;

/// <summary>
/// MPEG transport streams have no magic, only the sync byte 0x47 at the start of every 188-byte packet
/// (192-byte packets with a 4-byte timecode in front for Blu-ray M2TS). Three packets in a row are required.
/// </summary>
internal sealed class MpegTsDetector : IFormatDetector
{
    private const int RequiredPackets = 3;
    private const int CheckedPackets = 5;

    public SniffResult? Detect(SniffContext context)
    {
        var head = context.Head;
        if (SyncRun(head, packetSize: 188, first: 0) is { } ts)
        {
            return Sniffed.As(KnownFormats.MpegTs, $"MPEG-TS sync byte 0x47 at offsets {ts} (188-byte packets)");
        }
        if (SyncRun(head, packetSize: 192, first: 4) is { } m2ts)
        {
            return Sniffed.As(KnownFormats.MpegTs, $"MPEG-TS sync byte 0x47 at offsets {m2ts} (192-byte M2TS packets)");
        }
        return null;
    }

    private static string? SyncRun(ReadOnlySpan<byte> head, int packetSize, int first)
    {
        var offsets = new List<int>();
        for (var at = first; at < head.Length && offsets.Count < CheckedPackets; at += packetSize)
        {
            if (head[at] != 0x47) return null;
            offsets.Add(at);
        }
        return offsets.Count >= RequiredPackets ? string.Join(", ", offsets) : null;
    }
}
