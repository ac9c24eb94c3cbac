using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Matroska;

/// <summary>WebM and Matroska share the EBML magic 1A 45 DF A3; the DocType element (0x4282) inside the header tells them apart.</summary>
internal sealed class EbmlDetector : IFormatDetector
{
    private const uint DocTypeId = 0x4282;

    public SniffResult? Detect(SniffContext context)
    {
        var head = context.Head;
        if (!Bytes.StartsWith(head, 0, [0x1A, 0x45, 0xDF, 0xA3])) return null;

        var pos = 4;
        if (!TryReadSize(head, ref pos, out var headerSize)) return SniffResult.Unknown("EBML magic at offset 0 with an unreadable header size");
        var end = headerSize is { } s ? (int)Math.Min((ulong)head.Length, (ulong)pos + s) : head.Length;

        while (pos < end)
        {
            var elementAt = pos;
            if (!TryReadId(head, ref pos, out var id) || !TryReadSize(head, ref pos, out var dataSize) || dataSize is not { } size) break;
            if (id == DocTypeId)
            {
                if ((ulong)pos + size > (ulong)head.Length) break;
                var docType = head.Slice(pos, (int)size).TrimEnd((byte)0);
                return Classify(Bytes.Printable(docType), elementAt);
            }
            if ((ulong)pos + size > (ulong)end) break;
            pos += (int)size;
        }

        // The EBML spec's default DocType is "matroska", but a header we could not read says nothing.
        return SniffResult.Unknown("EBML magic at offset 0 but no DocType element in the EBML header");
    }

    private static SniffResult Classify(string docType, int offset) => docType switch
    {
        "webm" => Sniffed.As(KnownFormats.Webm, $"EBML DocType 'webm' at offset {offset}"),
        "matroska" => Sniffed.As(KnownFormats.Mkv, $"EBML DocType 'matroska' at offset {offset}"),
        _ => SniffResult.Unknown($"EBML file with DocType '{docType}' at offset {offset}"),
    };

    // Element IDs keep their length marker: the count of leading zero bits in the first byte (max 3) plus one.
    private static bool TryReadId(ReadOnlySpan<byte> data, ref int pos, out uint id)
    {
        id = 0;
        if (pos >= data.Length || data[pos] == 0) return false;
        var length = System.Numerics.BitOperations.LeadingZeroCount((uint)data[pos]) - 24 + 1;
        if (length > 4 || pos + length > data.Length) return false;
        for (var i = 0; i < length; i++) id = (id << 8) | data[pos + i];
        pos += length;
        return true;
    }

    // Sizes drop their marker; all value bits set means "unknown size" (null).
    private static bool TryReadSize(ReadOnlySpan<byte> data, ref int pos, out ulong? size)
    {
        size = null;
        if (pos >= data.Length || data[pos] == 0) return false;
        var length = System.Numerics.BitOperations.LeadingZeroCount((uint)data[pos]) - 24 + 1;
        if (pos + length > data.Length) return false;
        ulong value = (ulong)(data[pos] & (0xFF >> length));
        for (var i = 1; i < length; i++) value = (value << 8) | data[pos + i];
        pos += length;
        var allOnes = (1UL << (7 * length)) - 1;
        size = value == allOnes ? null : value;
        return true;
    }
}
