using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Png;

internal sealed class PngDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context) =>
        Bytes.StartsWith(context.Head, 0, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])
            ? Sniffed.As(KnownFormats.Png, "PNG signature at offset 0")
            : null;
}
