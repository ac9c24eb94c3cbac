using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Jpeg;

/// <summary>JPEG: the SOI marker FF D8 followed by the next marker's FF (APP0/JFIF, APP1/Exif, DQT, …).</summary>
internal sealed class JpegDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context) =>
        Bytes.StartsWith(context.Head, 0, [0xFF, 0xD8, 0xFF])
            ? Sniffed.As(KnownFormats.Jpeg, "JPEG start-of-image marker FF D8 FF at offset 0")
            : null;
}
