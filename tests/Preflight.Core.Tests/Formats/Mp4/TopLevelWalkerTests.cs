using System.Buffers.Binary;
using Preflight.Core.Formats.Mp4.IsoBmff;

namespace Preflight.Core.Tests.Formats.Mp4;

public sealed class TopLevelWalkerTests
{
    [Fact]
    public void Walk_MillionsOfFillerBoxes_KeepsOnlyTheBoxesTheProberUses()
    {
        // A 99 MB upload of 8-byte 'free' boxes made the walker hold 12 million headers (1.2 GB): memory must
        // follow the boxes that matter, not the box count an attacker picks.
        using var stream = new MemoryStream();
        stream.Write(Box("ftyp", 24));
        for (var i = 0; i < 100_000; i++) stream.Write(Box("free", 8));
        stream.Write(Box("mdat", 16));
        stream.Write(Box("moov", 8));

        var layout = TopLevelWalker.Walk(stream, stream.Length);

        Assert.Null(layout.Problem);
        Assert.Equal(["mdat", "moov"], layout.Boxes.Select(b => b.Type));
    }

    [Fact]
    public void Walk_ManyMoofs_CountsThemAndHeadersVisitsEach()
    {
        // Fragments are read one at a time from the file, not held: a 99 MB file of minimal moofs is 4 million.
        using var stream = new MemoryStream();
        stream.Write(Box("ftyp", 24));
        stream.Write(Box("moov", 8));
        for (var i = 0; i < 1000; i++)
        {
            stream.Write(Box("moof", 24));
            stream.Write(Box("mdat", 8));
        }

        var layout = TopLevelWalker.Walk(stream, stream.Length);

        Assert.Null(layout.Problem);
        Assert.Equal(1000, layout.MoofCount);
        Assert.DoesNotContain(layout.Boxes, b => b.Type == "moof");
        var moofs = TopLevelWalker.Headers(stream, stream.Length, "moof").ToList();
        Assert.Equal(1000, moofs.Count);
        Assert.Equal(32, moofs[0].Offset);
        Assert.Equal(32 + 999 * 32, moofs[^1].Offset);
    }

    [Fact]
    public void Walk_MoofTooSmallForItsHeader_IsAProblem()
    {
        // Every real moof holds an mfhd (16 bytes); empty ones only multiply work and memory.
        using var stream = new MemoryStream();
        stream.Write(Box("ftyp", 24));
        stream.Write(Box("moov", 8));
        stream.Write(Box("moof", 8));

        var layout = TopLevelWalker.Walk(stream, stream.Length);

        Assert.Contains("'moof'", layout.Problem);
    }

    private static byte[] Box(string type, int size)
    {
        var bytes = new byte[size];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)size);
        System.Text.Encoding.Latin1.GetBytes(type).CopyTo(bytes, 4);
        return bytes;
    }
}
