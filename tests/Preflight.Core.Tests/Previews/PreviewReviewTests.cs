using Preflight.Core.Inspection;
using Preflight.Core.Previews;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Previews;

public sealed class PreviewReviewTests : IDisposable
{
    private static readonly MediaTools Tools = new(new MediaToolsOptions());
    private static readonly Inspector Engine = new(Tools);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ProgressiveJpegWithThousandsOfScans_ThumbnailStopsAtTheTimeout()
    {
        // 36 MP (under the 40 MP thumbnail limit) in a few hundred KB: every one of the thousands of AC scans is one
        // EOB run over all 562,500 blocks, so decoding walks 562,500 blocks per scan. Only the header is read by the
        // quick check; the thumbnail's full decode must not run past the preview timeout.
        var path = _dir.Write("many-scans.jpg", ManyScansJpeg(6000, 6000, scans: 20000));
        var report = await Engine.InspectAsync(new InspectionRequest(path, "many-scans.jpg"), new InspectionOptions(), CancellationToken.None);
        Assert.DoesNotContain(report.Findings, f => f.Code is FindingCodes.FileCorrupt or FindingCodes.FileUnreadable);
        var maker = new PreviewMaker(Tools) { Timeout = TimeSpan.FromSeconds(1) };

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var preview = await maker.MakeAsync(report, path, CancellationToken.None);

        Assert.Null(preview);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"took {clock.Elapsed}");
    }

    /// <summary>A grayscale progressive JPEG: one DC scan of zeros, then <paramref name="scans"/> AC scans that are all EOB runs.</summary>
    private static byte[] ManyScansJpeg(int width, int height, int scans)
    {
        var jpeg = new List<byte> { 0xFF, 0xD8 };
        void Segment(byte marker, params byte[] body)
        {
            jpeg.AddRange([0xFF, marker, (byte)((body.Length + 2) >> 8), (byte)(body.Length + 2)]);
            jpeg.AddRange(body);
        }
        Segment(0xDB, [0x00, .. Enumerable.Repeat((byte)1, 64)]);
        Segment(0xC2, [8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 1, 1, 0x11, 0]);
        Segment(0xC4, [0x00, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00]); // DC: "0" = category 0
        Segment(0xC4, [0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xE0]); // AC: "0" = EOB run 2^14 + 14 bits
        var blocks = (long)((width + 7) / 8) * ((height + 7) / 8);

        Segment(0xDA, [1, 1, 0x00, 0, 0, 0x00]);
        jpeg.AddRange(new byte[(blocks + 7) / 8]); // one "0" bit per block

        var bits = new List<bool>();
        for (long covered = 0; covered < blocks; covered += 32767)
        {
            bits.Add(false);
            bits.AddRange(Enumerable.Repeat(true, 14));
        }
        while (bits.Count % 8 != 0) bits.Add(true);
        var data = new List<byte>();
        for (var i = 0; i < bits.Count; i += 8)
        {
            var b = 0;
            for (var k = 0; k < 8; k++) b = b << 1 | (bits[i + k] ? 1 : 0);
            data.Add((byte)b);
            if (b == 0xFF) data.Add(0x00);
        }
        for (var s = 0; s < scans; s++)
        {
            Segment(0xDA, [1, 1, 0x00, 1, 63, 0x00]);
            jpeg.AddRange(data);
        }
        jpeg.AddRange([0xFF, 0xD9]);
        return [.. jpeg];
    }
}
