namespace Preflight.Core.Sniffing.Detectors;

/// <summary>
/// Runs after the audio detectors: an ID3v2 tag that none of them could follow is still binary tagged data, never
/// text, so it ends the search with a basis that says why.
/// </summary>
internal sealed class Id3OrphanDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var start = context.AudioStart;
        return start.HasTag
            ? SniffResult.Unknown($"ID3v2 tag at offset 0 but no MP3, FLAC or AAC frames at offset {start.Offset}{start.AfterPhrase}")
            : null;
    }
}
