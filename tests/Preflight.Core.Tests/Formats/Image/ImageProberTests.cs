using Preflight.Core.Formats.Image;
using Preflight.Core.Reports;
using Preflight.Core.Tests.Formats.Png;
using Preflight.Core.Tests.Probing;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Formats.Image;

public sealed class ImageProberTests(ImageFilesFixture files) : IClassFixture<ImageFilesFixture>, IDisposable
{
    private readonly ImageProber _prober = new();
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();


    [Fact]
    public void Probe_RealPng_ReportsFactsWithoutFindings()
    {
        var result = _prober.Probe(files.Dir.File("a.png"), "png");

        Assert.Empty(result.Findings);
        Assert.Equal(640, result.Media.Width);
        Assert.Equal(480, result.Media.Height);
        Assert.Equal(24, result.Media.BitDepth);
        Assert.Null(result.Media.Rotation);
    }

    [Fact]
    public void Probe_RealJpeg_ReportsFactsWithoutFindings()
    {
        var result = _prober.Probe(files.Dir.File("a.jpg"), "jpeg");

        Assert.Empty(result.Findings);
        Assert.Equal(640, result.Media.Width);
        Assert.Equal(480, result.Media.Height);
    }

    [Theory]
    [InlineData(0.25)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.999)]
    public void Probe_TruncatedRealPng_IsCorrupt(double keep)
    {
        var path = _dir.Write("cut.png", files.Png[..(int)(files.Png.Length * keep)]);

        ProbeAssert.Corrupt(_prober.Probe(path, "png"), "truncated");
    }

    [Fact]
    public void Probe_RealPngWithoutIend_IsCorrupt()
    {
        var path = _dir.Write("noiend.png", files.Png[..^12]);

        ProbeAssert.Corrupt(_prober.Probe(path, "png"), "without an IEND chunk");
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public void Probe_TruncatedRealJpeg_IsCorrupt(double keep)
    {
        var path = _dir.Write("cut.jpg", files.Jpeg[..(int)(files.Jpeg.Length * keep)]);

        ProbeAssert.Corrupt(_prober.Probe(path, "jpeg"), "without an EOI marker (FF D9): the file is truncated");
    }

    [Fact]
    public void Probe_RealJpegMissingOnlyEoi_IsCorrupt()
    {
        var path = _dir.Write("noeoi.jpg", files.Jpeg[..^2]);

        ProbeAssert.Corrupt(_prober.Probe(path, "jpeg"), "EOI");
    }

    [Fact]
    public void Probe_JpegHeaderOnly_IsCorrupt()
    {
        var sos = IndexOf(files.Jpeg, [0xFF, 0xDA]);
        var path = _dir.Write("header.jpg", [.. files.Jpeg[..sos], 0xFF, 0xD9]);

        ProbeAssert.Corrupt(_prober.Probe(path, "jpeg"), "header only");
    }

    [Fact]
    public void Probe_JpegWithExifOrientation6_SwapsWidthAndHeight()
    {
        byte[] app1 =
        [
            0xFF, 0xE1, 0x00, 0x22, (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'I', (byte)'I', 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00,
            0x01, 0x00, 0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x00, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
        ];
        var path = _dir.Write("rotated.jpg", [.. files.Jpeg[..2], .. app1, .. files.Jpeg[2..]]);

        var result = _prober.Probe(path, "jpeg");

        Assert.Empty(result.Findings);
        Assert.Equal(480, result.Media.Width);
        Assert.Equal(640, result.Media.Height);
        Assert.Equal(90, result.Media.Rotation);
    }

    [Fact]
    public void Probe_TinyPngDeclaring60000Square_ReportsDeclaredSize()
    {
        var bytes = new PngBuilder().Chunk("IHDR", PngBuilder.Header(60000, 60000)).Chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])
            .Chunk("IEND", []).ToArray();
        Assert.Equal(65, bytes.Length);
        var path = _dir.Write("bomb.png", bytes);

        var result = _prober.Probe(path, "png");

        Assert.Empty(result.Findings);
        Assert.Equal(60000, result.Media.Width);
        Assert.Equal(60000, result.Media.Height);
    }

    [Fact]
    public void Decode_TinyPngDeclaring60000Square_IsRefusedBeforeLoading()
    {
        var bytes = new PngBuilder().Chunk("IHDR", PngBuilder.Header(60000, 60000)).Chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])
            .Chunk("IEND", []).ToArray();
        var path = _dir.Write("bomb.png", bytes);

        var result = _prober.Decode(path, "png");

        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingCodes.ImageTooLargeToDecode, finding.Code);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal(60000, result.Media.Width);
    }

    [Theory]
    [InlineData("a.png", "png")]
    [InlineData("a.jpg", "jpeg")]
    public void Decode_RealImage_HasNoFindings(string name, string format)
    {
        var result = _prober.Decode(files.Dir.File(name), format);

        Assert.Empty(result.Findings);
        Assert.Equal(640, result.Media.Width);
    }

    [Fact]
    public void Decode_PngWithDamagedCompressedDataButValidCrcs_IsCorrupt()
    {
        // Structure is perfect (CRCs recomputed), so only a real decode can notice.
        var bytes = new PngBuilder().Chunk("IHDR", PngBuilder.Header(16, 16)).Chunk("IDAT", [0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00])
            .Chunk("IEND", []).ToArray();
        var path = _dir.Write("damaged.png", bytes);

        Assert.Empty(_prober.Probe(path, "png").Findings);
        ProbeAssert.Corrupt(_prober.Decode(path, "png"));
    }

    [Fact]
    public void ProbeAndDecode_JpegWithShortenedHuffmanTableSegment_AreCorruptNotThrown()
    {
        // ImageSharp 2.1.13's JPEG Identify throws NullReferenceException on this damage (found by fuzzing).
        var bytes = (byte[])files.Jpeg.Clone();
        var dht = IndexOf(bytes, [0xFF, 0xC4]);
        Assert.True((bytes[dht + 2] << 8 | bytes[dht + 3]) > 112);
        bytes[dht + 2] = 0;
        bytes[dht + 3] = 112;
        var path = _dir.Write("short-dht.jpg", bytes);

        ProbeAssert.Corrupt(_prober.Probe(path, "jpeg"));
        ProbeAssert.Corrupt(_prober.Decode(path, "jpeg"));
    }

    [Theory]
    [InlineData("a.jpg", "jpeg")]
    [InlineData("a.png", "png")]
    public void ProbeAndDecode_RandomlyDamagedRealImage_NeverThrow(string name, string format)
    {
        // Damaged JPEG scans made ImageSharp 2.1 throw NullReferenceException: every exception must become a finding.
        var original = File.ReadAllBytes(files.Dir.File(name));
        var random = new Random(11);
        for (var i = 0; i < 40; i++)
        {
            var bytes = (byte[])original.Clone();
            for (var k = 0; k < 8; k++) bytes[random.Next(100, bytes.Length)] = (byte)random.Next(256);
            var path = _dir.Write($"damaged{i}.{format}", bytes);

            var quick = _prober.Probe(path, format);
            var deep = _prober.Decode(path, format);

            Assert.All(quick.Findings.Concat(deep.Findings), f => Assert.Equal(FindingCodes.FileCorrupt, f.Code));
        }
    }

    [Fact]
    public void Probe_PngBytesProbedAsJpeg_IsCorrupt()
    {
        ProbeAssert.Corrupt(_prober.Probe(files.Dir.File("a.png"), "jpeg"), "SOI");
    }

    [Theory]
    [InlineData("png")]
    [InlineData("jpeg")]
    public void ProbeAndDecode_RandomBytes_AreCorruptAndDoNotThrow(string format)
    {
        var random = new byte[4096];
        new Random(42).NextBytes(random);
        var path = _dir.Write("random.bin", random);

        ProbeAssert.Corrupt(_prober.Probe(path, format));
        ProbeAssert.Corrupt(_prober.Decode(path, format));
    }

    [Fact]
    public void Probe_GifBytes_AreNotDecodableByTheRestrictedConfiguration()
    {
        // GIF89a 1x1: ImageSharp's default configuration would read it; ours only knows PNG and JPEG.
        byte[] gif = [.. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3B];
        var path = _dir.Write("a.gif", gif);

        ProbeAssert.Corrupt(_prober.Decode(path, "png"));
    }

    [Fact]
    public void Probe_MissingFile_IsUnreadableNotThrown()
    {
        var result = _prober.Probe(_dir.File("nope.png"), "png");

        Assert.Equal(FindingCodes.FileUnreadable, Assert.Single(result.Findings).Code);
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
