using Preflight.Core.Formats.Image;
using Preflight.Core.Formats.Jpeg;

namespace Preflight.Core.Tests.Formats.Jpeg;

public sealed class JpegStructureTests
{
    private static StructureResult Check(byte[] bytes) => JpegStructure.Check(new MemoryStream(bytes));

    [Fact]
    public void Check_BaselineWithStuffingAndRestarts_IsSound()
    {
        var result = Check(JpegBuilder.Baseline());

        Assert.True(result.IsSound, result.Corruption);
    }

    [Fact]
    public void Check_ProgressiveWithManyScans_IsSound()
    {
        Assert.True(Check(JpegBuilder.Progressive()).IsSound);
    }

    [Fact]
    public void Check_EndsInsideScan_IsTruncated()
    {
        var bytes = JpegBuilder.Baseline();

        var result = Check(bytes[..^10]);

        Assert.Equal("JPEG ends inside scan data without an EOI marker (FF D9): the file is truncated.", result.Corruption);
    }

    [Fact]
    public void Check_ProgressiveCutInAMiddleScan_IsTruncated()
    {
        var bytes = JpegBuilder.Progressive();

        Assert.Contains("inside scan data", Check(bytes[..(bytes.Length * 2 / 3)]).Corruption);
    }

    [Fact]
    public void Check_EveryTruncation_IsCorrupt()
    {
        var bytes = JpegBuilder.Progressive();
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(Check(bytes[..length]).IsSound, $"cut at {length} bytes passed");
        }
    }

    [Fact]
    public void Check_EndsInsideSegment_IsTruncated()
    {
        var bytes = new JpegBuilder().Soi().Segment(0xE1, new byte[100], declaredLength: 5000).ToArray();

        var result = Check(bytes);

        Assert.Contains("APP1 (FF E1) segment at offset 2 declares 4,998 bytes", result.Corruption);
        Assert.Contains("truncated", result.Corruption);
    }

    [Fact]
    public void Check_HeadersOnly_IsHeaderOnly()
    {
        var bytes = new JpegBuilder().Soi().Tables().Frame(10, 10).Eoi().ToArray();

        Assert.Contains("header only", Check(bytes).Corruption);
    }

    [Fact]
    public void Check_HeadersWithoutEoi_IsHeaderOnlyOrTruncated()
    {
        var bytes = new JpegBuilder().Soi().Tables().ToArray();

        Assert.Contains("without a frame header (SOF)", Check(bytes).Corruption);
    }

    [Fact]
    public void Check_ScanBeforeFrame_IsCorrupt()
    {
        var bytes = new JpegBuilder().Soi().Tables().Scan().Eoi().ToArray();

        Assert.Contains("before any frame header", Check(bytes).Corruption);
    }

    [Fact]
    public void Check_LastScanCompleteButNoEoi_IsTruncated()
    {
        // A scan ends at the next marker; a DHT follows the last scan here, then the file stops.
        var bytes = new JpegBuilder().Soi().Tables().Frame(8, 8, 0xC2).Scan().Segment(0xC4, new byte[10]).ToArray();

        Assert.Contains("after its last scan without an EOI", Check(bytes).Corruption);
    }

    [Fact]
    public void Check_NoSoi_IsCorrupt()
    {
        Assert.Contains("SOI", Check([0xFF, 0xD9]).Corruption);
    }

    [Fact]
    public void Check_LongStrayDataBetweenSegments_IsCorrupt()
    {
        var bytes = new JpegBuilder().Soi().Tables().Raw(new byte[100]).Frame(8, 8).Scan().Eoi().ToArray();

        Assert.Contains("unexpected data", Check(bytes).Corruption);
    }

    [Fact]
    public void Check_DataAfterEoi_IsSoundAndCounted()
    {
        var bytes = new JpegBuilder().Raw(JpegBuilder.Baseline()).Raw(new byte[77]).ToArray();

        var result = Check(bytes);

        Assert.True(result.IsSound, result.Corruption);
        Assert.Equal(77, result.TrailingBytes);
    }
}
