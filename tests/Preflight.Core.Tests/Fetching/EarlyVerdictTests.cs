using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Preflight.Core.Fetching;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Fetching;

/// <summary>
/// A quick URL check stops reading a body as soon as its first bytes decide the verdict (a wrong format behind a
/// video URL), with or without byte ranges; a hashed (whole-body) check still reads it all.
/// </summary>
public sealed class EarlyVerdictTests
{
    private const long Declared = 90_000_000;

    private static readonly byte[] PngHead = File.ReadAllBytes(RepoPaths.TestFile("valid", "image-160x90.png"))[..33];

    /// <summary>What each body starts with, and the finding its format gets behind a .mp4 URL.</summary>
    public static TheoryData<string, string> WrongFormats() => new()
    {
        { "pdf", FindingCodes.FormatUnsupported },
        { "zip", FindingCodes.FormatUnsupported },
        { "png", FindingCodes.FormatExtensionMismatch },
    };

    private static byte[] Head(string format) => format switch
    {
        "pdf" => Encoding.ASCII.GetBytes("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
        "zip" => [.. "PK\u0003\u0004"u8, 20, 0, 0, 0, 8, 0],
        _ => PngHead,
    };

    [Theory]
    [MemberData(nameof(WrongFormats))]
    public async Task Inspect_NoRanges_WrongFormatBehindVideoUrl_StopsAfterTheFirstBytes(string format, string code)
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/clip.mp4", LoopbackResponses.Endless(Declared, declaredLength: Declared, firstBytes: Head(format))));

        var report = await RangeProbingTests.InspectAsync(server.Url("/clip.mp4").ToString(), wholeBody: false);

        Assert.Equal(Verdict.Fail, report.Verdict);
        Assert.Equal(AssetKind.Video, report.Kind);
        Assert.Equal(format, report.Detected!.Format);
        Assert.Contains(report.Findings, f => f.Code == code);
        Assert.Equal(Declared, report.SizeBytes);
        Assert.Null(report.Sha256);
        Assert.Null(report.Media);
        var source = report.Source!;
        Assert.False(source.Complete);
        Assert.Equal(1, source.RangeRequests); // it asked for one; the server answered the whole body
        Assert.InRange(source.BytesFetched!.Value, 1, 256 * 1024);
        var request = Assert.Single(server.Requests);
        await request.WhenAborted.WaitAsync(TimeSpan.FromSeconds(30));
        // Socket buffers hold a few MB once the client stops reading; never the 90 MB body.
        Assert.True(server.BytesSent < 30_000_000, $"{server.BytesSent} bytes sent");
    }

    [Fact]
    public async Task Inspect_NoRanges_FormatTheEngineDoesNotRead_SameReportAsTheWholeBody()
    {
        var pdf = Head("pdf").Concat(new byte[3_000_000]).ToArray();
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/doc.mp4", LoopbackResponses.Bytes(pdf, "application/pdf")));
        var url = server.Url("/doc.mp4").ToString();

        var early = await RangeProbingTests.InspectAsync(url, wholeBody: false);
        var whole = await RangeProbingTests.InspectAsync(url, wholeBody: true);

        Assert.Equal(RangeProbingTests.Describe(whole), RangeProbingTests.Describe(early));
        Assert.Equal(whole.SizeBytes, early.SizeBytes);
        Assert.Equal(whole.Detected, early.Detected);
        Assert.False(early.Source!.Complete);
        Assert.True(early.Source.BytesFetched < pdf.Length / 10);
        // The whole-body check (staging, ?hash=true) still reads and hashes everything.
        Assert.NotNull(whole.Sha256);
        Assert.Null(whole.Source!.Complete);
    }

    [Fact]
    public async Task Inspect_RangesServed_FormatTheEngineDoesNotRead_OneRangeSameReport()
    {
        var pdf = Head("pdf").Concat(new byte[3_000_000]).ToArray();
        await using var server = await LoopbackHttpServer.StartAsync(routes => routes.MapGet("/doc.mp4", LoopbackRanges.Serve(() => pdf)));
        var url = server.Url("/doc.mp4").ToString();
        // A first range as long as the sniffer's head and its extra reads (the service asks for 256 KB).
        var ranges = FetchTestKit.LoopbackAllowed() with { RangeHeadBytes = 32 * 1024 };

        var early = await RangeProbingTests.InspectAsync(url, wholeBody: false, ranges);
        var requests = server.Requests.Count;
        var whole = await RangeProbingTests.InspectAsync(url, wholeBody: true);

        Assert.Equal(RangeProbingTests.Describe(whole), RangeProbingTests.Describe(early));
        Assert.Equal(pdf.Length, early.SizeBytes);
        Assert.Equal(1, requests);
        Assert.Equal(1, early.Source!.RangeRequests);
        Assert.False(early.Source.Complete);
        Assert.Equal(32 * 1024, early.Source.BytesFetched);
        Assert.Null(early.Sha256);
    }

    [Fact]
    public async Task Inspect_RangesServed_ImageBehindVideoUrl_ReadWholeForTheSameFindings()
    {
        // Its reader has a say in the findings (dimensions, damage): with ranges the quick check keeps the report of
        // the downloaded file, as for every format whose quick check reads it whole.
        var png = await File.ReadAllBytesAsync(RepoPaths.TestFile("valid", "image-160x90.png"));
        await using var server = await LoopbackHttpServer.StartAsync(routes => routes.MapGet("/clip.mp4", LoopbackRanges.Serve(() => png)));

        var report = await RangeProbingTests.InspectAsync(server.Url("/clip.mp4").ToString(), wholeBody: false);

        Assert.Equal(Verdict.Fail, report.Verdict);
        Assert.NotNull(report.Media);
        Assert.True(report.Source!.Complete);
    }
}
