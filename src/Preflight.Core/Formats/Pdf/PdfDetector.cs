using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Pdf;

internal sealed class PdfDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context) =>
        Bytes.StartsWith(context.Head, 0, "%PDF-"u8) ? Sniffed.As(KnownFormats.Pdf, "'%PDF-' at offset 0") : null;
}
