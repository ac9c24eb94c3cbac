using Preflight.Core.Formats.Mp3;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Adts;

/// <summary>Raw AAC in ADTS frames: sync 0xFFF with layer 00, and a second matching header exactly one frame length later.</summary>
internal sealed class AdtsDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var start = context.AudioStart;
        if (!AdtsFrameHeader.TryParse(context.ReadAt(start.Offset, 7), out var first)) return null;
        if (!AdtsFrameHeader.TryParse(context.ReadAt(start.Offset + first.FrameLength, 7), out var second) || !first.Continues(second))
        {
            return null;
        }
        return Sniffed.As(KnownFormats.Aac,
            $"two consecutive ADTS (AAC, {first.SampleRate} Hz) frame headers at offset {start.Offset}{start.AfterPhrase}");
    }
}
