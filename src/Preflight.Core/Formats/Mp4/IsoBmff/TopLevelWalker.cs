using System.Buffers.Binary;
using static System.FormattableString;

namespace Preflight.Core.Formats.Mp4.IsoBmff;

/// <summary>A box as found in the file: where it starts, its total size and its header size.</summary>
internal readonly record struct BoxHeader(string Type, long Offset, long Size, int HeaderSize)
{
    public long End => Offset + Size;
    public long PayloadOffset => Offset + HeaderSize;
    public long PayloadSize => Size - HeaderSize;
}

/// <summary>
/// The whole top-level moov and mdat boxes, how many moof boxes there are (read again one at a time with
/// <see cref="TopLevelWalker.Headers"/>), and the first structural problem met, if any.
/// </summary>
internal sealed record TopLevelLayout(IReadOnlyList<BoxHeader> Boxes, string? Problem)
{
    public int MoofCount { get; init; }

    /// <summary>
    /// Where the <see cref="Problem"/> starts when it is bytes that do not even look like a box header (fewer than 8,
    /// or a type no box has) after whole boxes: trailing data, not a cut or damaged box.
    /// </summary>
    public long? TrailingFrom { get; init; }
}

/// <summary>Walks the top-level boxes by reading only their headers (never a payload).</summary>
internal static class TopLevelWalker
{
    /// <summary>8-byte header + the mfhd every moof must hold.</summary>
    private const long MinMoofBytes = 8 + 16;

    /// <summary>
    /// Most 'mdat' boxes kept (one per fragment: a per-frame fragmented file at 60 fps reaches this after 4.6 hours).
    /// Each kept box costs memory, and a file of empty 8-byte 'mdat' boxes would otherwise cost 16 times its size.
    /// </summary>
    public const int MaxMdatBoxes = 1_000_000;

    public static TopLevelLayout Walk(Stream stream, long length)
    {
        // Only the boxes the prober uses are kept: the box count is the uploader's choice (a 99 MB file of
        // 8-byte 'free' boxes is 12 million of them), memory must not be.
        var boxes = new List<BoxHeader>();
        BoxHeader? last = null;
        var moofs = 0;
        var mdats = 0;
        Span<byte> header = stackalloc byte[16];
        long offset = 0;
        while (offset < length)
        {
            var remaining = length - offset;
            if (remaining < 8)
            {
                return new(boxes, Invariant(
                    $"{remaining} stray byte(s) at offset {offset:N0} after the last box, too few for a box header: the file is truncated or has garbage at its end"))
                    { MoofCount = moofs, TrailingFrom = last is null ? null : offset };
            }

            stream.Position = offset;
            stream.ReadExactly(header[..8]);
            if (!FourCc.IsPlausible(header[4..8]))
            {
                var where = last is not { } previous ? "at the start of the file" : Invariant($"after the last box ({previous.Type} at offset {previous.Offset:N0})");
                return new(boxes, Invariant(
                    $"the bytes at offset {offset:N0} {where} are not a box (type {FourCc.Display(header[4..8])}): the file has garbage in it or is not ISO BMFF"))
                    { MoofCount = moofs, TrailingFrom = last is null ? null : offset };
            }

            var type = KeptType(header[4..8]) ?? FourCc.From(header[4..8]);
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

            if (type == "moof" && size < MinMoofBytes)
            {
                return new(boxes, Invariant(
                    $"box 'moof' at offset {offset:N0} is {size:N0} bytes, too small to hold its 'mfhd': the file is corrupt"));
            }

            if (type == "mdat" && ++mdats > MaxMdatBoxes)
            {
                return new(boxes, Invariant(
                    $"the file has more than {MaxMdatBoxes:N0} 'mdat' boxes (the next at offset {offset:N0}): the file is corrupt or made to exhaust readers"))
                    { MoofCount = moofs };
            }

            last = new BoxHeader(type, offset, size, headerSize);
            if (type == "moof") moofs++;
            else if (KeptType(header[4..8]) is not null) boxes.Add(last.Value);
            offset += size;
        }
        return new(boxes, null) { MoofCount = moofs };
    }

    /// <summary>
    /// The top-level boxes of one type, read lazily (for a file <see cref="Walk"/> found whole): a fragmented
    /// file can have millions of 'moof' boxes, which are visited one by one rather than held.
    /// </summary>
    public static IEnumerable<BoxHeader> Headers(Stream stream, long length, string type)
    {
        var header = new byte[16];
        long offset = 0;
        while (length - offset >= 8)
        {
            stream.Position = offset;
            stream.ReadExactly(header, 0, 8);
            var size32 = BinaryPrimitives.ReadUInt32BigEndian(header);
            var headerSize = 8;
            long size;
            if (size32 == 1)
            {
                stream.ReadExactly(header, 8, 8);
                size = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(header.AsSpan(8)), (ulong)long.MaxValue);
                headerSize = 16;
            }
            else
            {
                size = size32 == 0 ? length - offset : size32;
            }
            if (size < headerSize || size > length - offset) yield break;
            if (KeptType(header.AsSpan(4, 4)) == type) yield return new BoxHeader(type, offset, size, headerSize);
            offset += size;
        }
    }

    /// <summary>The types the prober looks at, as shared literals (no string per box).</summary>
    private static string? KeptType(ReadOnlySpan<byte> type) =>
        type.SequenceEqual("moov"u8) ? "moov"
        : type.SequenceEqual("mdat"u8) ? "mdat"
        : type.SequenceEqual("moof"u8) ? "moof"
        : null;
}
