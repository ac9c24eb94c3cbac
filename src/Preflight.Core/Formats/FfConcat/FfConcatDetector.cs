using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.FfConcat;

/// <summary>ffconcat scripts name other files for ffmpeg to read; caught as broadly as HLS playlists.</summary>
internal sealed class FfConcatDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var text = context.Text;
        var at = text.FirstNonWhitespace;
        return text.Value.AsSpan(at).StartsWith("ffconcat version", StringComparison.OrdinalIgnoreCase)
            ? Sniffed.As(KnownFormats.FfConcat, $"'ffconcat version' at offset {text.ByteOffsetOf(at)}{text.BomPhrase}")
            : null;
    }
}
