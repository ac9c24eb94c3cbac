using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Flac;

/// <summary>FLAC: 'fLaC' at the start, or after ID3v2 tags (which some taggers add although FLAC has its own).</summary>
internal sealed class FlacDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var start = context.AudioStart;
        return Bytes.StartsWith(context.ReadAt(start.Offset, 4), 0, "fLaC"u8)
            ? Sniffed.As(KnownFormats.Flac, $"'fLaC' at offset {start.Offset}{start.AfterPhrase}")
            : null;
    }
}
