using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Text;

/// <summary>Plain text: the head decodes (UTF-8, or UTF-16 with a BOM) and holds no control characters but tab, CR and LF.</summary>
internal sealed class TextDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var text = context.Text;
        if (!text.IsValid) return null;
        var ascii = true;
        foreach (var c in text.Value)
        {
            if (char.IsControl(c) && c is not ('\t' or '\r' or '\n')) return null;
            ascii &= c < 0x80;
        }

        var encoding = ascii && text.BomLength == 0 ? "ASCII" : text.Encoding;
        var bom = text.BomLength == 0 ? "" : " with BOM";
        var scope = context.HeadIsWholeFile ? "the whole file" : $"the first {context.Head.Length} bytes";
        return Sniffed.As(KnownFormats.Text, $"{encoding} text{bom} without control characters (other than tab, CR, LF) in {scope}");
    }
}
