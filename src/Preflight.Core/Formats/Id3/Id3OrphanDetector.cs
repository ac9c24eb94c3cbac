using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Id3;

/// <summary>
/// Runs after the audio detectors: an ID3v2 tag that none of them could follow is still binary tagged data, never
/// text, so it ends the search. ffmpeg skips ID3v2 tags before probing, so a playlist or concat script behind one is
/// still named as such.
/// </summary>
internal sealed class Id3OrphanDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var start = context.AudioStart;
        if (!start.HasTag) return null;

        var after = context.ReadAt(start.Offset, 16);
        if (after.Length >= 7 && Bytes.Printable(after[..7]).Equals("#EXTM3U", StringComparison.OrdinalIgnoreCase))
        {
            return Sniffed.As(KnownFormats.Hls, $"'#EXTM3U' at offset {start.Offset}{start.AfterPhrase}");
        }
        if (after.Length >= 16 && Bytes.Printable(after[..16]).Equals("ffconcat version", StringComparison.OrdinalIgnoreCase))
        {
            return Sniffed.As(KnownFormats.FfConcat, $"'ffconcat version' at offset {start.Offset}{start.AfterPhrase}");
        }
        return SniffResult.Unknown($"ID3v2 tag at offset 0 but no MP3, FLAC or AAC frames at offset {start.Offset}{start.AfterPhrase}");
    }
}
