using System.Buffers.Binary;
using static System.FormattableString;

namespace Preflight.Core.Formats.Mp4.IsoBmff;

/// <summary>A box held in memory (inside a bounded read of <c>moov</c> or <c>moof</c>). Offsets are absolute file offsets.</summary>
internal readonly record struct Box(string Type, long Offset, long PayloadOffset, ReadOnlyMemory<byte> Payload)
{
    public ReadOnlySpan<byte> Span => Payload.Span;

    public string Where => Invariant($"box '{Type}' at offset {Offset:N0}");

    public FieldReader Fields() => new(Payload.Span, this);

    /// <summary>
    /// The child boxes of a container. A child that does not fit its parent means the structure is broken
    /// (or the parent was cut), so it throws; QuickTime's 4-byte zero terminator is tolerated.
    /// </summary>
    public List<Box> Children(int skip = 0)
    {
        if (!TryChildren(skip, out var children, out var problem)) throw new IsoBmffCorruptException(problem!);
        return children;
    }

    /// <summary>Like <see cref="Children"/> but for optional areas (sample entry extensions): never throws.</summary>
    public List<Box> ChildrenOrEmpty(int skip = 0) => TryChildren(skip, out var children, out _) ? children : [];

    public Box? Child(string type)
    {
        foreach (var child in Children())
        {
            if (child.Type == type) return child;
        }
        return null;
    }

    public Box Require(string type, string context) =>
        Child(type) ?? throw new IsoBmffCorruptException(Invariant($"{context}: {Where} has no '{type}' box"));

    private bool TryChildren(int skip, out List<Box> children, out string? problem)
    {
        children = [];
        problem = null;
        var data = Payload;
        if (skip > data.Length)
        {
            problem = Invariant($"{Where} is {data.Length:N0} bytes long, too short for its fields");
            return false;
        }

        var pos = skip;
        while (pos < data.Length)
        {
            var span = data.Span;
            var remaining = data.Length - pos;
            var at = PayloadOffset + pos;
            if (remaining < 8)
            {
                if (span.Slice(pos, remaining).IndexOfAnyExcept((byte)0) < 0) return true;
                problem = Invariant($"{Where} ends with {remaining} stray byte(s) at offset {at:N0}, too few for a box");
                return false;
            }

            var size32 = BinaryPrimitives.ReadUInt32BigEndian(span[pos..]);
            var typeBytes = span.Slice(pos + 4, 4);
            // QuickTime ends some atom lists (e.g. 'wave') with an 8-byte terminator whose type is zero.
            if (size32 is 0 or 8 && remaining == 8 && typeBytes.IndexOfAnyExcept((byte)0) < 0) return true;
            if (!FourCc.IsPlausible(typeBytes))
            {
                problem = Invariant($"{Where} holds bytes that are not a box at offset {at:N0} (type {FourCc.Display(typeBytes)})");
                return false;
            }

            var type = FourCc.From(typeBytes);
            long size = size32;
            var headerSize = 8;
            if (size32 == 1)
            {
                if (remaining < 16)
                {
                    problem = Invariant($"box '{type}' at offset {at:N0} inside {Where} is cut inside its header");
                    return false;
                }
                var large = BinaryPrimitives.ReadUInt64BigEndian(span[(pos + 8)..]);
                size = large > long.MaxValue ? long.MaxValue : (long)large;
                headerSize = 16;
            }
            else if (size32 == 0)
            {
                problem = Invariant($"box '{type}' at offset {at:N0} inside {Where} declares size 0, which only a top-level box may do");
                return false;
            }

            if (size < headerSize)
            {
                problem = Invariant($"box '{type}' at offset {at:N0} declares {size:N0} bytes, less than its own {headerSize}-byte header");
                return false;
            }
            if (size > remaining)
            {
                problem = Invariant($"box '{type}' at offset {at:N0} declares {size:N0} bytes but its parent {Where} has only {remaining:N0} left");
                return false;
            }

            var boxSize = (int)size;
            children.Add(new Box(type, at, at + headerSize, data.Slice(pos + headerSize, boxSize - headerSize)));
            pos += boxSize;
        }
        return true;
    }
}

/// <summary>Reads big-endian fields from a box payload; running short is corruption, said with the box's name.</summary>
internal ref struct FieldReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly Box _box;

    public FieldReader(ReadOnlySpan<byte> data, Box box)
    {
        _data = data;
        _box = box;
        Position = 0;
    }

    public int Position { get; set; }

    public readonly int Length => _data.Length;

    public readonly int Remaining => _data.Length - Position;

    public byte U8() => Take(1)[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint U32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public int S32() => BinaryPrimitives.ReadInt32BigEndian(Take(4));

    public ulong U64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    public double F64() => BinaryPrimitives.ReadDoubleBigEndian(Take(8));

    public void Skip(int count) => Take(count);

    /// <summary>Version and flags of a FullBox.</summary>
    public (byte Version, uint Flags) FullBoxHeader()
    {
        var word = U32();
        return ((byte)(word >> 24), word & 0xFFFFFF);
    }

    /// <summary>Fails unless <paramref name="count"/> entries of <paramref name="entrySize"/> bytes follow.</summary>
    public readonly void NeedEntries(ulong count, int entrySize, string what)
    {
        if (count * (ulong)entrySize > (ulong)Remaining)
        {
            throw new IsoBmffCorruptException(Invariant(
                $"{_box.Where} declares {count:N0} {what} ({count * (ulong)entrySize:N0} bytes) but holds only {Remaining:N0} bytes for them"));
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > Remaining)
        {
            throw new IsoBmffCorruptException(Invariant($"{_box.Where} is {_data.Length:N0} bytes long, too short for its fields"));
        }
        var slice = _data.Slice(Position, count);
        Position += count;
        return slice;
    }
}

internal static class BoxLists
{
    public static Box? Find(this IEnumerable<Box> boxes, string type)
    {
        foreach (var box in boxes)
        {
            if (box.Type == type) return box;
        }
        return null;
    }
}
