using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Tiff;

/// <summary>TIFF and BigTIFF: byte order mark (II / MM), the magic 42 (or 43 for BigTIFF), and a first IFD past the header.</summary>
internal sealed class TiffDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var head = context.Head;
        if (head.Length < 8) return null;
        var little = head[0] == 'I' && head[1] == 'I';
        var big = head[0] == 'M' && head[1] == 'M';
        if (!little && !big) return null;

        int magic = little ? head[2] | (head[3] << 8) : (head[2] << 8) | head[3];
        var order = little ? "little-endian 'II'" : "big-endian 'MM'";
        if (magic == 42)
        {
            var ifd = little ? Bytes.LittleEndian32(head, 4) : Bytes.BigEndian32(head, 4);
            return ifd >= 8 ? Sniffed.As(KnownFormats.Tiff, $"TIFF {order} header with magic 42 at offset 0") : null;
        }
        if (magic == 43 && head.Length >= 16)
        {
            int offsetSize = little ? head[4] | (head[5] << 8) : (head[4] << 8) | head[5];
            return offsetSize == 8 ? Sniffed.As(KnownFormats.Tiff, $"BigTIFF {order} header with magic 43 at offset 0") : null;
        }
        return null;
    }
}
