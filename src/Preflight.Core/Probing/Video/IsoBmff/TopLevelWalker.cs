using System.Buffers.Binary;
using static System.FormattableString;

namespace Preflight.Core.Probing.Video.IsoBmff;

/// <summary>A box as found in the file: where it starts, its total size and its header size.</summary>
internal readonly record struct BoxHeader(string Type, long Offset, long Size, int HeaderSize)
{
    public long End => Offset + Size;
    public long PayloadOffset => Offset + HeaderSize;
    public long PayloadSize => Size - HeaderSize;
}

/// <summary>The top-level boxes that were whole, and the first structural problem met, if any.</summary>
internal sealed record TopLevelLayout(IReadOnlyList<BoxHeader> Boxes, string? Problem);

/// <summary>Walks the top-level boxes by reading only their headers (never a payload).</summary>
internal static class TopLevelWalker
{
    public static TopLevelLayout Walk(Stream stream, long length)
    {
        var boxes = new List<BoxHeader>();
        Span<byte> header = stackalloc byte[16];
        long offset = 0;
        while (offset < length)
        {
            var remaining = length - offset;
            if (remaining < 8)
            {
                return new(boxes, Invariant(
                    $"{remaining} stray byte(s) at offset {offset:N0} after the last box, too few for a box header: the file is truncated or has garbage at its end"));
            }

            stream.Position = offset;
            stream.ReadExactly(header[..8]);
            if (!FourCc.IsPlausible(header[4..8]))
            {
                var where = boxes.Count == 0 ? "at the start of the file" : Invariant($"after the last box ({boxes[^1].Type} at offset {boxes[^1].Offset:N0})");
                return new(boxes, Invariant(
                    $"the bytes at offset {offset:N0} {where} are not a box (type {FourCc.Display(header[4..8])}): the file has garbage in it or is not ISO BMFF"));
            }

            var type = FourCc.From(header[4..8]);
            var size32 = BinaryPrimitives.ReadUInt32BigEndian(header);
            long size;
            var headerSize = 8;
            if (size32 == 1)
            {
                if (remaining < 16)
                {
                    return new(boxes, Invariant(
                        $"box '{type}' at offset {offset:N0} declares a 64-bit size but the file ends inside its header: the file is truncated"));
                }
                stream.ReadExactly(header[8..16]);
                var large = BinaryPrimitives.ReadUInt64BigEndian(header[8..16]);
                size = large > long.MaxValue ? long.MaxValue : (long)large;
                headerSize = 16;
            }
            else
            {
                // Size 0 means "to the end of the file", which by definition makes it the last box.
                size = size32 == 0 ? remaining : size32;
            }

            if (size < headerSize)
            {
                return new(boxes, Invariant(
                    $"box '{type}' at offset {offset:N0} declares {size:N0} bytes, less than its own {headerSize}-byte header: the file is corrupt"));
            }
            if (size > remaining)
            {
                return new(boxes, Invariant(
                    $"box '{type}' at offset {offset:N0} declares {size:N0} bytes but only {remaining:N0} remain: the file is truncated"));
            }

            boxes.Add(new BoxHeader(type, offset, size, headerSize));
            offset += size;
        }
        return new(boxes, null);
    }
}
