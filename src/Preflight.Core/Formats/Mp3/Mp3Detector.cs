using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Mp3;

/// <summary>
/// MP3 has no magic: an 11-bit sync is found by chance every few KB of random data. So, after any ID3v2 tags, a valid
/// Layer III header (<see cref="MpegAudioFrameHeader"/>) must sit exactly where the audio starts, and a second one from
/// the same stream exactly one frame length later; frames found by searching past the tag's end must chain three deep.
/// </summary>
internal sealed class Mp3Detector : IFormatDetector
{
    // Broken taggers leave zero padding after the tag that its size does not count; tolerate a little of it.
    private const int MaxZeroPadding = 512;

    /// <summary>
    /// After an ID3v2 tag whose size is wrong (bytes inserted into it, a bad size field) the frames start a little
    /// later: ffmpeg finds them, so do we, within this many bytes (the prober says what is wrong with the tag).
    /// </summary>
    public const int MaxGapAfterTag = 4096;

    public SniffResult? Detect(SniffContext context)
    {
        var start = context.AudioStart;
        var window = context.ReadAt(start.Offset, MaxZeroPadding + 4);
        var zeros = 0;
        while (zeros < window.Length && zeros < MaxZeroPadding && window[zeros] == 0) zeros++;

        var firstAt = start.Offset + zeros;
        if (!MpegAudioFrameHeader.TryParse(window[zeros..], out var first) || first.Layer != 3
            || !MpegAudioFrameHeader.TryParse(context.ReadAt(firstAt + first.FrameLength, 4), out var second) || !first.Continues(second))
        {
            return start.HasTag ? AfterGap(context, start) : null;
        }

        var after = (start.HasTag, zeros > 0) switch
        {
            (true, true) => $"{start.AfterPhrase[..^1]} and {zeros} zero bytes)",
            (false, true) => $" (after {zeros} zero bytes)",
            _ => start.AfterPhrase,
        };
        return Sniffed.As(KnownFormats.Mp3, $"two consecutive {first.VersionName} Layer III frame headers at offset {firstAt}{after}");
    }

    /// <summary>Frames a little after where the tag says it ends: still MP3 (the tag is what is damaged).</summary>
    private static SniffResult? AfterGap(SniffContext context, Id3Skip start)
    {
        var window = context.ReadAt(start.Offset, MaxGapAfterTag + 4);
        var at = MpegAudioFrameHeader.FindChained(window, start.Offset, context.Length ?? long.MaxValue, (offset, destination) =>
        {
            var bytes = context.ReadAt(offset, destination.Length);
            bytes.CopyTo(destination);
            return bytes.Length;
        });
        if (at <= 0) return null;
        var first = start.Offset + at;
        return Sniffed.As(KnownFormats.Mp3,
            $"two consecutive Layer III frame headers at offset {first}, {at} bytes after the end its ID3v2 tag declares (offset {start.Offset})");
    }
}
