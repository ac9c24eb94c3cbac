using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Flv;

internal sealed class FlvDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context) =>
        Bytes.StartsWith(context.Head, 0, [(byte)'F', (byte)'L', (byte)'V', 0x01])
            ? Sniffed.As(KnownFormats.Flv, "'FLV' version 1 header at offset 0")
            : null;
}
