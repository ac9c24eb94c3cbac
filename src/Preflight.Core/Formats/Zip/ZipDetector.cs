using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Zip;

/// <summary>ZIP (and everything built on it: docx, jar, epub, …) by its local-file, empty-archive or spanning signature.</summary>
internal sealed class ZipDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var head = context.Head;
        if (head.Length < 4 || head[0] != 'P' || head[1] != 'K') return null;
        return (head[2], head[3]) switch
        {
            (3, 4) => Sniffed.As(KnownFormats.Zip, "ZIP local file header 'PK\\x03\\x04' at offset 0"),
            (5, 6) => Sniffed.As(KnownFormats.Zip, "empty ZIP archive: end-of-central-directory 'PK\\x05\\x06' at offset 0"),
            (7, 8) => Sniffed.As(KnownFormats.Zip, "spanned ZIP archive marker 'PK\\x07\\x08' at offset 0"),
            _ => null,
        };
    }
}
