using System.Buffers.Binary;

namespace Preflight.TestSupport.Mutations;

/// <summary>The ways a hostile or unlucky upload differs from a valid file.</summary>
public enum MutationKind
{
    /// <summary>Cut at a random offset.</summary>
    Truncate,
    /// <summary>1–4 bytes XORed with a random non-zero value, mostly inside the coded media.</summary>
    FlipBytes,
    /// <summary>Bytes flipped inside the coded media with every checksum made right again (PNG chunk CRCs).</summary>
    FlipBytesResealed,
    /// <summary>16–1024 bytes set to zero, mostly inside the coded media.</summary>
    ZeroBlock,
    /// <summary>A box/chunk/segment/frame repeated right after itself; the sizes of its parents grow to match.</summary>
    DuplicateUnit,
    /// <summary>A box/chunk/segment/frame removed; the sizes of its parents shrink to match.</summary>
    RemoveUnit,
    /// <summary>A size field changed (0, ±small, huge, another unit's): the parents are left as they were.</summary>
    ResizeUnit,
    /// <summary>1–4096 random or zero bytes after the end.</summary>
    AppendBytes,
    /// <summary>1–256 random bytes inserted at a random offset (a third of the time inside the first unit).</summary>
    InsertBytes,
}

/// <summary>A valid file to mutate.</summary>
public sealed record MediaSeed(string Name, string Extension, byte[] Bytes);

/// <summary>One mutated copy: what was done to which seed, and the bytes.</summary>
public sealed record Mutant(int Index, string FileName, string SeedName, MutationKind Kind, string Description, byte[] Bytes);

/// <summary>
/// Makes mutated copies of valid files from a fixed seed: the same seed, seeds and count always give the same bytes
/// (<see cref="Random"/> with a seed is stable across .NET versions). Seeds and kinds are taken round-robin, so every
/// (seed, kind) pair appears once every seeds × kinds files.
/// </summary>
public sealed class MutationGenerator(int seed)
{
    public static readonly MutationKind[] AllKinds = Enum.GetValues<MutationKind>();

    private readonly Random _random = new(seed);

    public IEnumerable<Mutant> Generate(IReadOnlyList<MediaSeed> seeds, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var source = seeds[i % seeds.Count];
            var kind = AllKinds[i / seeds.Count % AllKinds.Length];
            var (bytes, description) = Mutate(source, kind);
            var name = $"{i:D5}-{kind}-{source.Name}{source.Extension}";
            yield return new Mutant(i, name, source.Name, kind, description, bytes);
        }
    }

    public (byte[] Bytes, string Description) Mutate(MediaSeed source, MutationKind kind)
    {
        var bytes = source.Bytes;
        var (units, payload) = MediaUnits.Parse(source.Extension, bytes);
        switch (kind)
        {
            case MutationKind.Truncate:
            {
                var at = _random.Next(1, bytes.Length);
                return (bytes[..at], $"cut at {at} of {bytes.Length}");
            }
            case MutationKind.FlipBytes:
                return Flip(bytes, payload, units, reseal: false);
            case MutationKind.FlipBytesResealed:
                return Flip(bytes, payload, units, reseal: true);
            case MutationKind.ZeroBlock:
            {
                var length = _random.Next(16, 1025);
                var at = PickOffset(bytes.Length, payload, preferPayload: 0.7);
                length = Math.Min(length, bytes.Length - at);
                var copy = (byte[])bytes.Clone();
                Array.Clear(copy, at, length);
                return (copy, $"zeroed {length} bytes at {at}");
            }
            case MutationKind.DuplicateUnit when units.Count > 0:
            {
                var unit = units[_random.Next(units.Count)];
                return (Duplicate(bytes, units, unit), $"duplicated {unit.Name} ({unit.Length} bytes at {unit.Offset})");
            }
            case MutationKind.RemoveUnit when units.Count > 0:
            {
                var unit = units[_random.Next(units.Count)];
                if (unit.Length >= bytes.Length) break; // removing everything is "empty", which other tests cover
                return (Remove(bytes, units, unit), $"removed {unit.Name} ({unit.Length} bytes at {unit.Offset})");
            }
            case MutationKind.ResizeUnit when units.Any(u => u.SizeField != SizeField.None):
            {
                var sized = units.Where(u => u.SizeField != SizeField.None).ToList();
                var unit = sized[_random.Next(sized.Count)];
                var old = ReadSize(bytes, unit);
                var value = _random.Next(6) switch
                {
                    0 => 0,
                    1 => 1,
                    2 => Math.Max(0, old + _random.Next(-16, 17)),
                    3 => old + _random.Next(1, 1 << 16),
                    4 => old / 2,
                    _ => (long)MaxOf(unit.SizeField),
                };
                if (value == old) value = old + 1;
                var copy = (byte[])bytes.Clone();
                WriteSize(copy, unit, value);
                return (copy, $"size of {unit.Name} at {unit.Offset}: {old} -> {ReadSize(copy, unit)}");
            }
            case MutationKind.AppendBytes:
            {
                var extra = new byte[_random.Next(1, 4097)];
                if (_random.Next(2) == 0) _random.NextBytes(extra);
                return ([.. bytes, .. extra], $"appended {extra.Length} {(extra.Any(b => b != 0) ? "random" : "zero")} bytes");
            }
            case MutationKind.InsertBytes:
            {
                var extra = new byte[_random.Next(1, 257)];
                _random.NextBytes(extra);
                var inFirst = units.Count > 0 && _random.Next(3) == 0;
                var at = inFirst
                    ? units[0].Offset + _random.Next(Math.Min(8, units[0].Length), units[0].Length + 1)
                    : _random.Next(0, bytes.Length + 1);
                return (Splice(bytes, at, 0, extra), $"inserted {extra.Length} random bytes at {at}{(inFirst ? $" (inside {units[0].Name})" : "")}");
            }
        }
        // A kind that does not apply to this file (no units found): flip bytes instead, and say so.
        var (flipped, what) = Flip(bytes, payload, units, reseal: false);
        return (flipped, $"({kind} not applicable) {what}");
    }

    /// <summary>The first unit named <paramref name="name"/> (an MP4 box type, a PNG/WAV chunk id, "FFC4", "ID3v2").</summary>
    public static MediaUnit Find(byte[] bytes, string extension, string name) =>
        MediaUnits.Parse(extension, bytes).Units.FirstOrDefault(u => u.Name == name)
        ?? throw new ArgumentException($"no '{name}' in this {extension} file", nameof(name));

    /// <summary>A copy with the first <paramref name="name"/> unit repeated right after itself, its parents' sizes grown to match.</summary>
    public static byte[] WithDuplicated(byte[] bytes, string extension, string name)
    {
        var units = MediaUnits.Parse(extension, bytes).Units;
        return Duplicate(bytes, units, units.First(u => u.Name == name));
    }

    /// <summary>A copy without the first <paramref name="name"/> unit, its parents' sizes shrunk to match.</summary>
    public static byte[] WithRemoved(byte[] bytes, string extension, string name)
    {
        var units = MediaUnits.Parse(extension, bytes).Units;
        return Remove(bytes, units, units.First(u => u.Name == name));
    }

    /// <summary>A copy whose first <paramref name="name"/> unit declares <paramref name="size"/> (nothing else changes).</summary>
    public static byte[] WithSize(byte[] bytes, string extension, string name, long size)
    {
        var copy = (byte[])bytes.Clone();
        WriteSize(copy, Find(bytes, extension, name), size);
        return copy;
    }

    private static byte[] Duplicate(byte[] bytes, List<MediaUnit> units, MediaUnit unit)
    {
        var copy = Splice(bytes, unit.Offset + unit.Length, 0, bytes.AsSpan(unit.Offset, unit.Length));
        foreach (var ancestor in unit.Ancestors) AddToSize(copy, units[ancestor], unit.Length);
        return copy;
    }

    private static byte[] Remove(byte[] bytes, List<MediaUnit> units, MediaUnit unit)
    {
        var copy = Splice(bytes, unit.Offset, unit.Length, []);
        foreach (var ancestor in unit.Ancestors) AddToSize(copy, units[ancestor], -unit.Length);
        return copy;
    }

    private (byte[], string) Flip(byte[] bytes, List<(int Offset, int Length)> payload, List<MediaUnit> units, bool reseal)
    {
        var copy = (byte[])bytes.Clone();
        var count = _random.Next(1, 5);
        var offsets = new List<int>();
        for (var i = 0; i < count; i++)
        {
            var at = PickOffset(bytes.Length, payload, preferPayload: reseal ? 1.0 : 0.7);
            copy[at] ^= (byte)_random.Next(1, 256);
            offsets.Add(at);
        }
        var resealed = 0;
        if (reseal)
        {
            foreach (var unit in units.Where(u => u.SizeField == SizeField.PngChunk && offsets.Any(o => o >= u.Offset && o < u.Offset + u.Length)))
            {
                var dataLength = unit.Length - 12;
                var crc = Crc32(copy.AsSpan(unit.Offset + 4, 4 + dataLength));
                BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(unit.Offset + 8 + dataLength), crc);
                resealed++;
            }
        }
        return (copy, $"flipped bytes at {string.Join(",", offsets)}{(resealed > 0 ? $", {resealed} chunk CRC(s) recomputed" : "")}");
    }

    private int PickOffset(int length, List<(int Offset, int Length)> payload, double preferPayload)
    {
        var usable = payload.Where(p => p.Length > 0).ToList();
        if (usable.Count > 0 && _random.NextDouble() < preferPayload)
        {
            var region = usable[_random.Next(usable.Count)];
            return region.Offset + _random.Next(region.Length);
        }
        return _random.Next(length);
    }

    public static byte[] Splice(byte[] bytes, int at, int remove, ReadOnlySpan<byte> insert)
    {
        var result = new byte[bytes.Length - remove + insert.Length];
        bytes.AsSpan(0, at).CopyTo(result);
        insert.CopyTo(result.AsSpan(at));
        bytes.AsSpan(at + remove).CopyTo(result.AsSpan(at + insert.Length));
        return result;
    }

    private static void AddToSize(byte[] bytes, MediaUnit unit, int delta) => WriteSize(bytes, unit, ReadSize(bytes, unit) + delta);

    private static long ReadSize(byte[] bytes, MediaUnit unit)
    {
        var at = unit.SizeFieldOffset;
        return unit.SizeField switch
        {
            SizeField.Mp4Box or SizeField.PngChunk => BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at)),
            SizeField.RiffChunk => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)),
            SizeField.JpegSegment => BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at)),
            SizeField.Id3Syncsafe => (bytes[at] & 0x7F) << 21 | (bytes[at + 1] & 0x7F) << 14 | (bytes[at + 2] & 0x7F) << 7 | (bytes[at + 3] & 0x7F),
            _ => 0,
        };
    }

    private static void WriteSize(byte[] bytes, MediaUnit unit, long value)
    {
        var at = unit.SizeFieldOffset;
        value = Math.Clamp(value, 0, (long)MaxOf(unit.SizeField));
        switch (unit.SizeField)
        {
            case SizeField.Mp4Box or SizeField.PngChunk:
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), (uint)value);
                break;
            case SizeField.RiffChunk:
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), (uint)value);
                break;
            case SizeField.JpegSegment:
                BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(at), (ushort)value);
                break;
            case SizeField.Id3Syncsafe:
                for (var i = 0; i < 4; i++) bytes[at + i] = (byte)((value >> (7 * (3 - i))) & 0x7F);
                break;
        }
    }

    private static ulong MaxOf(SizeField field) => field switch
    {
        SizeField.JpegSegment => ushort.MaxValue,
        SizeField.Id3Syncsafe => (1 << 28) - 1,
        _ => uint.MaxValue,
    };

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    /// <summary>The PNG/zlib CRC-32 (ISO 3309), written here so the generator depends on nothing it tests.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data) c = CrcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
