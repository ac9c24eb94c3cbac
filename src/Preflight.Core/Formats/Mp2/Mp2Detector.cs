using Preflight.Core.Formats.Mp3;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Mp2;

/// <summary>
/// MP2 (MPEG audio Layer II, broadcast and DVD audio) has no magic either: after any ID3v2 tags, a valid Layer II header
/// must sit exactly where the audio starts and a second one from the same stream exactly one frame length later.
/// Headers are read by the one MPEG audio header parser (<see cref="MpegAudioFrameHeader"/>); Layer II is defined for
/// MPEG-1 and MPEG-2 only, so an MPEG-2.5 "Layer II" header is not one.
/// </summary>
internal sealed class Mp2Detector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var start = context.AudioStart;
        if (!TryParseLayer2(context.ReadAt(start.Offset, 4), out var first)
            || !TryParseLayer2(context.ReadAt(start.Offset + first.FrameLength, 4), out var second)
            || !first.Continues(second))
        {
            return null;
        }
        return Sniffed.As(KnownFormats.Mp2,
            $"two consecutive {first.VersionName} Layer II frame headers at offset {start.Offset}{start.AfterPhrase}");
    }

    private static bool TryParseLayer2(ReadOnlySpan<byte> bytes, out MpegAudioFrameHeader header) =>
        MpegAudioFrameHeader.TryParse(bytes, out header) && header.Layer == 2 && header.Version != 25;
}
