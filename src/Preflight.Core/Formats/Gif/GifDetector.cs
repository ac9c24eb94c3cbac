using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Gif;

internal sealed class GifDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var head = context.Head;
        if (Bytes.StartsWith(head, 0, "GIF87a"u8)) return Sniffed.As(KnownFormats.Gif, "'GIF87a' at offset 0");
        if (Bytes.StartsWith(head, 0, "GIF89a"u8)) return Sniffed.As(KnownFormats.Gif, "'GIF89a' at offset 0");
        return null;
    }
}
