using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Mp3;

/// <summary>
/// MP3 has no magic: an 11-bit sync is found by chance every few KB of random data. So, after any ID3v2 tags, a valid
/// Layer III header must sit exactly where the audio starts, and a second one from the same stream exactly one frame
/// length later.
/// </summary>
internal sealed class Mp3Detector : IFormatDetector
{
    // Broken taggers leave zero padding after the tag that its size does not count; tolerate a little of it.
    private const int MaxZeroPadding = 512;

    public SniffResult? Detect(SniffContext context)
    {
        var start = context.AudioStart;
        var window = context.ReadAt(start.Offset, MaxZeroPadding + 4);
        var zeros = 0;
        while (zeros < window.Length && zeros < MaxZeroPadding && window[zeros] == 0) zeros++;

        var firstAt = start.Offset + zeros;
        if (!MpegAudioFrameHeader.TryParse(window[zeros..], out var first)) return null;
        if (!MpegAudioFrameHeader.TryParse(context.ReadAt(firstAt + first.FrameLength, 4), out var second) || !first.Continues(second))
        {
            return null;
        }

        var after = (start.HasTag, zeros > 0) switch
        {
            (true, true) => $"{start.AfterPhrase[..^1]} and {zeros} zero bytes)",
            (false, true) => $" (after {zeros} zero bytes)",
            _ => start.AfterPhrase,
        };
        return Sniffed.As(KnownFormats.Mp3, $"two consecutive {first.VersionName} Layer III frame headers at offset {firstAt}{after}");
    }
}
