using System.Buffers.Binary;

namespace Preflight.Core.Formats.Png;

/// <summary>
/// CRC-32 (ISO-HDLC, polynomial 0xEDB88320) as PNG uses it. Written here because System.IO.Hashing is not a
/// dependency of the core library. Slicing-by-8 (eight tables, eight bytes per step): quick mode checks the CRC of
/// every chunk of every PNG, so this runs over whole files.
/// </summary>
internal static class Crc32
{
    private static readonly uint[] Tables = BuildTables();

    public const uint Initial = 0xFFFFFFFFu;

    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        var t = Tables;
        while (data.Length >= 8)
        {
            var one = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ crc;
            var two = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            crc = t[(7 * 256) + (one & 0xFF)] ^ t[(6 * 256) + ((one >> 8) & 0xFF)]
                ^ t[(5 * 256) + ((one >> 16) & 0xFF)] ^ t[(4 * 256) + (one >> 24)]
                ^ t[(3 * 256) + (two & 0xFF)] ^ t[(2 * 256) + ((two >> 8) & 0xFF)]
                ^ t[256 + ((two >> 16) & 0xFF)] ^ t[two >> 24];
            data = data[8..];
        }
        foreach (var b in data)
        {
            crc = t[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return crc;
    }

    public static uint Finish(uint crc) => crc ^ 0xFFFFFFFFu;

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Initial, data));

    private static uint[] BuildTables()
    {
        var tables = new uint[8 * 256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
            tables[n] = c;
        }
        for (var slice = 1; slice < 8; slice++)
        {
            for (var n = 0; n < 256; n++)
            {
                var previous = tables[((slice - 1) * 256) + n];
                tables[(slice * 256) + n] = (previous >> 8) ^ tables[previous & 0xFF];
            }
        }
        return tables;
    }
}
