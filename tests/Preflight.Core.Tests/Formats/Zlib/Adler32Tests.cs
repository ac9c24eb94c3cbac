using System.Text;
using Preflight.Core.Formats.Zlib;

namespace Preflight.Core.Tests.Formats.Zlib;

public sealed class Adler32Tests
{
    [Theory]
    [InlineData("", 0x00000001u)]
    [InlineData("a", 0x00620062u)]
    [InlineData("Wikipedia", 0x11E60398u)]
    [InlineData("abcdefghijklmnopqrstuvwxyz", 0x90860B20u)]
    public void Value_KnownVectors(string text, uint expected)
    {
        var adler = new Adler32();
        adler.Update(Encoding.ASCII.GetBytes(text));
        Assert.Equal(expected, adler.Value);
    }

    [Theory]
    [InlineData(1, 31)]
    [InlineData(2, 32)]
    [InlineData(3, 5551)]
    [InlineData(4, 5552)]
    [InlineData(5, 5553)]
    [InlineData(6, 100_003)]
    [InlineData(7, 1 << 20)]
    public void Value_RandomBytesAndSplits_MatchTheDefinition(int seed, int length)
    {
        var random = new Random(seed);
        var data = new byte[length];
        random.NextBytes(data);

        var whole = new Adler32();
        whole.Update(data);
        var pieces = new Adler32();
        for (var offset = 0; offset < length;)
        {
            var size = Math.Min(length - offset, random.Next(1, 9000));
            pieces.Update(data.AsSpan(offset, size));
            offset += size;
        }

        Assert.Equal(Reference(data), whole.Value);
        Assert.Equal(Reference(data), pieces.Value);
    }

    [Fact]
    public void Value_AllBytes0xFF_NoLaneOverflows()
    {
        // The worst case for the 32-bit sums: every byte at its maximum, over many whole blocks.
        var data = Enumerable.Repeat((byte)0xFF, 5552 * 7 + 77).ToArray();
        var adler = new Adler32();
        adler.Update(data);
        Assert.Equal(Reference(data), adler.Value);
    }

    /// <summary>RFC 1950's definition, one byte at a time with the modulus taken every step.</summary>
    private static uint Reference(ReadOnlySpan<byte> data)
    {
        ulong a = 1, b = 0;
        foreach (var value in data)
        {
            a = (a + value) % 65521;
            b = (b + a) % 65521;
        }
        return (uint)((b << 16) | a);
    }
}
