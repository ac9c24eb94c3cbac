using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Tga;

/// <summary>
/// TGA (Truevision): its header has no signature, so only a TGA 2.0 file is recognised, by the footer that ends it
/// ("TRUEVISION-XFILE." and a NUL in the last 18 bytes), with a header that agrees (a known image type, a sane pixel
/// depth, a size). An old TGA without the footer stays unknown: guessing from header bytes would name random data.
/// </summary>
internal sealed class TgaDetector : IFormatDetector
{
    private static ReadOnlySpan<byte> Signature => "TRUEVISION-XFILE.\0"u8;

    public SniffResult? Detect(SniffContext context)
    {
        var head = context.Head;
        if (head.Length < 18 || context.Length is not { } length || length < 18 + 26) return null;
        var colourMapType = head[1];
        var imageType = head[2];
        var width = Bytes.LittleEndian16(head, 12);
        var height = Bytes.LittleEndian16(head, 14);
        var depth = head[16];
        if (colourMapType > 1 || imageType is not (1 or 2 or 3 or 9 or 10 or 11) || width == 0 || height == 0
            || depth is not (8 or 15 or 16 or 24 or 32))
            return null;
        if (!context.ReadAt(length - Signature.Length, Signature.Length).SequenceEqual(Signature)) return null;
        return Sniffed.As(KnownFormats.Tga, $"TGA 2.0 footer 'TRUEVISION-XFILE.' at the end, {width}x{height} at {depth} bits");
    }
}
