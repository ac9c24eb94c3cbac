using System.Buffers.Binary;
using System.Text;

namespace Preflight.Core.Tests.Formats.Png;

/// <summary>Builds PNG files chunk by chunk, with right or deliberately wrong CRCs.</summary>
internal sealed class PngBuilder
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
    private readonly MemoryStream _bytes = new();

    public PngBuilder(bool signature = true)
    {
        if (signature) _bytes.Write(Signature);
    }

    /// <summary>A 1x1 8-bit RGB image's pixel data, deflated (zlib): one filter byte and three zero bytes.</summary>
    public static byte[] OnePixelIdat { get; } = [0x78, 0x9C, 0x63, 0x60, 0x60, 0x60, 0x00, 0x00, 0x00, 0x04, 0x00, 0x01];

    public static byte[] Header(uint width, uint height, byte bitDepth = 8, byte colorType = 2)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        return ihdr;
    }

    public PngBuilder Chunk(string type, byte[] data, uint? crc = null, uint? declaredLength = null)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, declaredLength ?? (uint)data.Length);
        _bytes.Write(word);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        _bytes.Write(typeBytes);
        _bytes.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc ?? System.IO.Hashing.Crc32.HashToUInt32([.. typeBytes, .. data]));
        _bytes.Write(word);
        return this;
    }

    public PngBuilder Raw(byte[] bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    /// <summary>A complete, valid 1x1 PNG.</summary>
    public static byte[] Valid() =>
        new PngBuilder().Chunk("IHDR", Header(1, 1)).Chunk("IDAT", OnePixelIdat).Chunk("IEND", []).ToArray();

    public byte[] ToArray() => _bytes.ToArray();
}
