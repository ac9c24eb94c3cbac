using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Bmp;

/// <summary>
/// BMP: 'BM' alone is two letters of text, so the DIB header must be one of the known sizes, say one colour plane,
/// and the pixel data must start after the headers.
/// </summary>
internal sealed class BmpDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var head = context.Head;
        if (head.Length < 26 || head[0] != 'B' || head[1] != 'M') return null;

        var pixelOffset = Bytes.LittleEndian32(head, 10);
        var dibSize = Bytes.LittleEndian32(head, 14);
        var name = dibSize switch
        {
            12 => "BITMAPCOREHEADER",
            16 or 64 => "OS/2 BITMAPINFOHEADER2",
            40 => "BITMAPINFOHEADER",
            52 => "BITMAPV2INFOHEADER",
            56 => "BITMAPV3INFOHEADER",
            108 => "BITMAPV4HEADER",
            124 => "BITMAPV5HEADER",
            _ => null,
        };
        if (name is null || pixelOffset < 14 + dibSize) return null;
        if (context.Length is { } length && pixelOffset > length) return null;

        var planesAt = dibSize == 12 ? 22 : 26;
        if (head.Length < planesAt + 2 || Bytes.LittleEndian16(head, planesAt) != 1) return null;
        return Sniffed.As(KnownFormats.Bmp, $"'BM' at offset 0 with a {dibSize}-byte {name} at offset 14");
    }
}
