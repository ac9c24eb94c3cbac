using Preflight.Core.Formats.Image;
using Preflight.Core.Formats.Png;

namespace Preflight.Core.Tests.Formats.Png;

public sealed class PngStructureTests
{
    private static StructureResult Check(byte[] bytes) => PngStructure.Check(new MemoryStream(bytes));

    [Fact]
    public void Check_ValidPng_IsSound()
    {
        var result = Check(PngBuilder.Valid());

        Assert.True(result.IsSound, result.Corruption);
        Assert.Equal(0, result.TrailingBytes);
    }

    [Fact]
    public void Check_Crc32_MatchesKnownValue()
    {
        // The CRC of "IEND" with no data is fixed by the PNG spec: AE 42 60 82.
        Assert.Equal(0xAE426082u, System.IO.Hashing.Crc32.HashToUInt32("IEND"u8));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(63)]
    [InlineData(1000)]
    public void Crc32_SlicedComputation_MatchesBitwiseReference(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);

        Assert.Equal(BitwiseCrc(data), System.IO.Hashing.Crc32.HashToUInt32(data));
        // Fed in uneven pieces, as the chunk walk does across buffer boundaries.
        var split = length / 3;
        var crc = new System.IO.Hashing.Crc32();
        crc.Append(data.AsSpan(0, split));
        crc.Append(data.AsSpan(split));
        Assert.Equal(BitwiseCrc(data), crc.GetCurrentHashAsUInt32());
    }

    private static uint BitwiseCrc(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    [Fact]
    public void Check_BadCrcOnIdat_NamesChunkAndOffset()
    {
        var bytes = new PngBuilder().Chunk("IHDR", PngBuilder.Header(1, 1)).Chunk("IDAT", PngBuilder.OnePixelIdat, crc: 0x12345678)
            .Chunk("IEND", []).ToArray();

        var result = Check(bytes);

        Assert.False(result.IsSound);
        Assert.Contains("PNG chunk 'IDAT' at offset 33 has a bad CRC", result.Corruption);
    }

    [Fact]
    public void Check_FlippedByteInsideIdat_FailsCrc()
    {
        var bytes = PngBuilder.Valid();
        bytes[33 + 8 + 5] ^= 0x01; // inside the IDAT data

        var result = Check(bytes);

        Assert.Contains("'IDAT'", result.Corruption);
        Assert.Contains("bad CRC", result.Corruption);
    }

    [Fact]
    public void Check_MissingIend_IsTruncated()
    {
        var bytes = new PngBuilder().Chunk("IHDR", PngBuilder.Header(1, 1)).Chunk("IDAT", PngBuilder.OnePixelIdat).ToArray();

        var result = Check(bytes);

        Assert.Contains("without an IEND chunk", result.Corruption);
        Assert.Contains("truncated", result.Corruption);
    }

    [Fact]
    public void Check_NoIdat_IsHeaderOnly()
    {
        var bytes = new PngBuilder().Chunk("IHDR", PngBuilder.Header(1, 1)).Chunk("IEND", []).ToArray();

        Assert.Contains("no IDAT", Check(bytes).Corruption);
    }

    [Fact]
    public void Check_ChunkLongerThanFile_IsTruncated()
    {
        var bytes = new PngBuilder().Chunk("IHDR", PngBuilder.Header(1, 1))
            .Chunk("IDAT", PngBuilder.OnePixelIdat, declaredLength: 100_000).ToArray();

        var result = Check(bytes);

        Assert.Contains("'IDAT' at offset 33 declares 100,000 bytes", result.Corruption);
        Assert.Contains("truncated", result.Corruption);
    }

    [Fact]
    public void Check_FirstChunkNotIhdr_IsCorrupt()
    {
        var bytes = new PngBuilder().Chunk("IDAT", PngBuilder.OnePixelIdat).Chunk("IEND", []).ToArray();

        Assert.Contains("not IHDR", Check(bytes).Corruption);
    }

    [Theory]
    [InlineData(0u, 1u, 8, 2)]   // zero width
    [InlineData(1u, 1u, 7, 2)]   // bit depth 7 does not exist
    [InlineData(1u, 1u, 16, 3)]  // indexed colour cannot be 16-bit
    [InlineData(1u, 1u, 8, 5)]   // colour type 5 does not exist
    public void Check_InvalidHeaderValues_AreCorrupt(uint width, uint height, byte depth, byte colorType)
    {
        var bytes = new PngBuilder().Chunk("IHDR", PngBuilder.Header(width, height, depth, colorType))
            .Chunk("IDAT", PngBuilder.OnePixelIdat).Chunk("IEND", []).ToArray();

        Assert.Contains("IHDR declares", Check(bytes).Corruption);
    }

    [Fact]
    public void Check_IndexedWithoutPalette_IsCorrupt()
    {
        var bytes = new PngBuilder().Chunk("IHDR", PngBuilder.Header(1, 1, 8, 3))
            .Chunk("IDAT", PngBuilder.OnePixelIdat).Chunk("IEND", []).ToArray();

        Assert.Contains("no PLTE", Check(bytes).Corruption);
    }

    [Fact]
    public void Check_SplitIdatRuns_AreCorrupt()
    {
        var bytes = new PngBuilder().Chunk("IHDR", PngBuilder.Header(1, 1)).Chunk("IDAT", PngBuilder.OnePixelIdat[..6])
            .Chunk("tEXt", "a\0b"u8.ToArray()).Chunk("IDAT", PngBuilder.OnePixelIdat[6..]).Chunk("IEND", []).ToArray();

        Assert.Contains("consecutive", Check(bytes).Corruption);
    }

    [Fact]
    public void Check_InvalidChunkType_IsCorrupt()
    {
        var bytes = new PngBuilder().Chunk("IHDR", PngBuilder.Header(1, 1)).Chunk("ID\u0001T", [1, 2]).ToArray();

        Assert.Contains("invalid type", Check(bytes).Corruption);
    }

    [Fact]
    public void Check_WrongSignature_IsCorrupt()
    {
        var bytes = PngBuilder.Valid();
        bytes[1] = (byte)'Q';

        Assert.Contains("signature", Check(bytes).Corruption);
    }

    [Fact]
    public void Check_DataAfterIend_IsSoundAndCounted()
    {
        var bytes = new PngBuilder().Chunk("IHDR", PngBuilder.Header(1, 1)).Chunk("IDAT", PngBuilder.OnePixelIdat)
            .Chunk("IEND", []).Raw(new byte[300]).ToArray();

        var result = Check(bytes);

        Assert.True(result.IsSound, result.Corruption);
        Assert.Equal(300, result.TrailingBytes);
    }

    [Fact]
    public void Check_EveryTruncationOfAValidPng_IsCorrupt()
    {
        var bytes = PngBuilder.Valid();
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(Check(bytes[..length]).IsSound, $"cut at {length} bytes passed");
        }
    }
}
