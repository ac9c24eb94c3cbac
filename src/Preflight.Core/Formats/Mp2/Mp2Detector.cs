using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Mp2;

/// <summary>
/// MP2 (MPEG audio Layer II, broadcast and DVD audio) has no magic either: after any ID3v2 tags, a valid Layer II header
/// must sit exactly where the audio starts and a second one from the same stream exactly one frame length later.
/// </summary>
internal sealed class Mp2Detector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var start = context.AudioStart;
        if (!Mp2FrameHeader.TryParse(context.ReadAt(start.Offset, 4), out var first)
            || !Mp2FrameHeader.TryParse(context.ReadAt(start.Offset + first.FrameLength, 4), out var second)
            || !first.Continues(second))
        {
            return null;
        }
        return Sniffed.As(KnownFormats.Mp2,
            $"two consecutive {first.VersionName} Layer II frame headers at offset {start.Offset}{start.AfterPhrase}");
    }
}
