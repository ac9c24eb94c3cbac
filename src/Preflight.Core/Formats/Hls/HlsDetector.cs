using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Hls;

/// <summary>
/// HLS playlists ('#EXTM3U'). ffprobe follows the URIs in them, even to local files, so they are caught broadly:
/// any case, after a BOM or leading whitespace.
/// </summary>
internal sealed class HlsDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var text = context.Text;
        var at = text.FirstNonWhitespace;
        return text.Value.AsSpan(at).StartsWith("#EXTM3U", StringComparison.OrdinalIgnoreCase)
            ? Sniffed.As(KnownFormats.Hls, $"'#EXTM3U' at offset {text.ByteOffsetOf(at)}{text.BomPhrase}")
            : null;
    }
}
