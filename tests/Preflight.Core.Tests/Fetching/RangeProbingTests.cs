using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Preflight.Core.Fetching;
using Preflight.Core.Inspection;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Fetching;

/// <summary>
/// Range probing against a real loopback server: what is read, and that the report is the one a quick check of the
/// downloaded file gives.
/// </summary>
public sealed class RangeProbingTests
{
    // Small ranges, so the 2–110 KB files of testdata take the ranged path (the service asks for 256 KB first).
    private static readonly FetchOptions SmallRanges = FetchTestKit.SmallRanges;

    private static readonly Inspector Engine = new(new MediaTools(new MediaToolsOptions()));

    private static readonly string Faststart = Path.Combine(RepoPaths.TestData, "valid", "video-h264-aac-640x360-25fps-faststart.mp4");
    private static readonly string MoovAtEnd = Path.Combine(RepoPaths.TestData, "valid", "warning-not-faststart.mp4");
    private static readonly string Wav = Path.Combine(RepoPaths.TestData, "valid", "audio-pcm16-22khz-mono.wav");

    /// <summary>Every file of testdata, by its path under it.</summary>
    public static TheoryData<string> TestDataFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepoPaths.TestData, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(RepoPaths.TestData, file).Replace('\\', '/');
            if (relative.Contains('/', StringComparison.Ordinal) && !relative.EndsWith(".md", StringComparison.Ordinal)) data.Add(relative);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TestDataFiles))]
    public async Task Inspect_RangedAgainstDownloaded_SameVerdictFindingsAndFacts(string relative)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.TestData, relative));
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/{dir}/{name}", LoopbackRanges.Serve(() => bytes)));
        var url = server.Url("/" + string.Join('/', relative.Split('/').Select(Uri.EscapeDataString))).ToString();

        var ranged = await InspectAsync(url, wholeBody: false);
        var whole = await InspectAsync(url, wholeBody: true);

        Assert.Equal(Describe(whole), Describe(ranged));
        Assert.Equal(whole.SizeBytes, ranged.SizeBytes);
        Assert.Equal(whole.Media, ranged.Media);
        Assert.Equal(whole.Detected, ranged.Detected);
        Assert.Null(whole.Source!.Complete);
        if (ranged.Source!.Complete == false)
        {
            Assert.Null(ranged.Sha256);
            Assert.InRange(ranged.Source.BytesFetched!.Value, 1, bytes.Length);
        }
        else if (ranged.Findings.All(f => f.Code is not (FindingCodes.UrlReturnsHtml)))
        {
            Assert.Equal(whole.Sha256, ranged.Sha256);
        }
    }

    [Theory]
    [InlineData("faststart")]
    [InlineData("moov-at-end")]
    [InlineData("wav")]
    public async Task Fetch_RangesServed_ReadsOnlyWhatTheQuickCheckNeeds(string which)
    {
        var path = which switch { "faststart" => Faststart, "moov-at-end" => MoovAtEnd, _ => Wav };
        var bytes = await File.ReadAllBytesAsync(path);
        await using var server = await LoopbackHttpServer.StartAsync(routes => routes.MapGet("/a", LoopbackRanges.Serve(() => bytes)));
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a").ToString(), FetchTestKit.OneMegabyte, target.Path, partialAllowed: true, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.False(result.Complete);
        Assert.Null(result.Sha256);
        Assert.False(result.Source.Complete);
        Assert.Equal(bytes.Length, result.Source.ContentLength);
        Assert.Equal(bytes.Length, new FileInfo(result.FilePath!).Length);
        Assert.InRange(result.Source.BytesFetched!.Value, 1, bytes.Length / 2);
        Assert.Equal(server.Requests.Count, result.Source.RangeRequests);
        Assert.All(server.Requests, r => Assert.StartsWith("bytes=", r.Headers["Range"], StringComparison.Ordinal));
        // Every request after the first names the version it expects.
        Assert.All(server.Requests.Skip(1), r => Assert.True(r.Headers.ContainsKey("If-Match") && r.Headers.ContainsKey("If-Range")));
    }

    [Fact]
    public async Task Fetch_ServerIgnoresRanges_ReadAsNormalDownload()
    {
        var bytes = await File.ReadAllBytesAsync(Faststart);
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a", LoopbackRanges.Serve(() => bytes, new RangeServing { Ranges = false })));
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a").ToString(), FetchTestKit.OneMegabyte, target.Path, partialAllowed: true, CancellationToken.None);

        Assert.True(result.Complete);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), result.Sha256);
        Assert.Null(result.Source.Complete);
        Assert.Null(result.Source.RangeRequests);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Fetch_ServerStopsHonouringRanges_LaterAnswerReadWhole()
    {
        var bytes = await File.ReadAllBytesAsync(MoovAtEnd);
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a", LoopbackRanges.Serve(() => bytes, new RangeServing { OnlyFirstRange = true })));
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a").ToString(), FetchTestKit.OneMegabyte, target.Path, partialAllowed: true, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.True(result.Source.Complete);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), result.Sha256);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(result.FilePath!));
        Assert.Equal(2048 + bytes.Length, result.Source.BytesFetched);
        Assert.Single(Directory.GetFiles(target.Path));
    }

    [Fact]
    public async Task Fetch_FirstContentRangeLies_FallsBackToPlainDownload()
    {
        var bytes = await File.ReadAllBytesAsync(Faststart);
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a", LoopbackRanges.Serve(() => bytes, new RangeServing { ContentRangeLie = r => (r.From + 7, r.To + 7, r.Total) })));
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a").ToString(), FetchTestKit.OneMegabyte, target.Path, partialAllowed: true, CancellationToken.None);

        Assert.True(result.Complete);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), result.Sha256);
        Assert.Equal(2, server.Requests.Count);
        Assert.False(server.Requests[1].Headers.ContainsKey("Range"));
    }

    [Fact]
    public async Task Fetch_LaterContentRangeClaimsAnotherTotal_ChangedDuringCheck()
    {
        var bytes = await File.ReadAllBytesAsync(MoovAtEnd);
        var answered = 0;
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a", LoopbackRanges.Serve(() => bytes, new RangeServing
            {
                ContentRangeLie = r => Interlocked.Increment(ref answered) == 1 ? r : (r.From, r.To, r.Total + 1000),
            })));
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a").ToString(), FetchTestKit.OneMegabyte, target.Path, partialAllowed: true, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlChangedDuringCheck, target.Path);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Fetch_FileReplacedBetweenRequests_ChangedDuringCheck(bool etag)
    {
        var first = await File.ReadAllBytesAsync(MoovAtEnd);
        var second = (byte[])first.Clone();
        second[^1] ^= 0xFF;
        var calls = 0;
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a", LoopbackRanges.Serve(
                () => Interlocked.Increment(ref calls) == 1 ? first : second,
                new RangeServing
                {
                    ETag = etag,
                    // Without an ETag the Last-Modified tells; the second version is newer.
                    LastModified = etag ? null : DateTimeOffset.UtcNow.AddDays(-1),
                })));
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();
        if (!etag)
        {
            // Same bytes, new date: the server's If-Unmodified-Since check refuses.
            second = first;
        }

        var result = await fetcher.FetchAsync(server.Url("/a").ToString(), FetchTestKit.OneMegabyte, target.Path, partialAllowed: true, CancellationToken.None);

        if (etag)
        {
            FetchTestKit.AssertFailedWith(result, FindingCodes.UrlChangedDuringCheck, target.Path);
            Assert.Contains(server.Requests.Skip(1), r => r.Headers.ContainsKey("If-Match"));
        }
        else
        {
            // An unchanged Last-Modified: the file is the same, the probe goes through with If-Unmodified-Since.
            Assert.True(result.Succeeded);
            Assert.All(server.Requests.Skip(1), r => Assert.True(r.Headers.ContainsKey("If-Unmodified-Since")));
        }
    }

    [Fact]
    public async Task Fetch_FileGrowsBetweenRequestsWithoutValidators_ChangedDuringCheck()
    {
        var first = await File.ReadAllBytesAsync(MoovAtEnd);
        var second = first.Concat(new byte[100]).ToArray();
        var calls = 0;
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a", LoopbackRanges.Serve(() => Interlocked.Increment(ref calls) == 1 ? first : second,
                new RangeServing { ETag = false })));
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a").ToString(), FetchTestKit.OneMegabyte, target.Path, partialAllowed: true, CancellationToken.None);

        var finding = FetchTestKit.SingleError(result);
        Assert.Equal(FindingCodes.UrlChangedDuringCheck, finding.Code);
        Assert.Contains("length changed", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_RedirectThenRanges_LaterRangesGoToTheFinalUrl()
    {
        var bytes = await File.ReadAllBytesAsync(MoovAtEnd);
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
        {
            routes.MapGet("/old", LoopbackResponses.Redirect("/new"));
            routes.MapGet("/new", LoopbackRanges.Serve(() => bytes));
        });
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/old").ToString(), FetchTestKit.OneMegabyte, target.Path, partialAllowed: true, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.False(result.Complete);
        Assert.Equal(1, result.Source.Redirects);
        Assert.Single(server.Requests, r => r.PathAndQuery == "/old");
        Assert.True(server.Requests.Count(r => r.PathAndQuery == "/new") >= 2);
    }

    [Fact]
    public async Task Fetch_LaterRangeStalls_TimesOutAndLeavesNothing()
    {
        var bytes = await File.ReadAllBytesAsync(MoovAtEnd);
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a", LoopbackRanges.Serve(() => bytes, new RangeServing { StallLaterRequests = TimeSpan.FromSeconds(30) })));
        using var fetcher = new UrlFetcher(SmallRanges with { Timeout = TimeSpan.FromSeconds(1) });
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a").ToString(), FetchTestKit.OneMegabyte, target.Path, partialAllowed: true, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlUnreachable, target.Path);
    }

    [Fact]
    public async Task Inspect_HeadAnsweredDifferently_GetIsWhatCounts()
    {
        var bytes = await File.ReadAllBytesAsync(Faststart);
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
        {
            routes.MapMethods("/clip.mp4", ["HEAD"], LoopbackResponses.Text("<html>nope</html>", "text/html", 404));
            routes.MapGet("/clip.mp4", LoopbackRanges.Serve(() => bytes, new RangeServing { ContentType = "video/mp4" }));
        });

        var report = await InspectAsync(server.Url("/clip.mp4").ToString(), wholeBody: false);

        Assert.Equal(Verdict.Pass, report.Verdict);
        Assert.DoesNotContain(server.Requests, r => r.Method == "HEAD");
    }

    [Fact]
    public async Task Inspect_SampleTablesPointPastTheEnd_FailsFromHeadAlone()
    {
        // A faststart file cut in the middle of its mdat: the moov's chunk offsets point past the end the server reports.
        var bytes = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.TestData, "corrupt", "mp4-truncated-faststart-mid-mdat.mp4"));
        await using var server = await LoopbackHttpServer.StartAsync(routes => routes.MapGet("/clip.mp4", LoopbackRanges.Serve(() => bytes)));

        var report = await InspectAsync(server.Url("/clip.mp4").ToString(), wholeBody: false);

        Assert.Equal(Verdict.Fail, report.Verdict);
        Assert.Contains(report.Findings, f => f.Code == FindingCodes.FileCorrupt && f.Message.Contains("truncated", StringComparison.Ordinal));
        Assert.False(report.Source!.Complete);
        Assert.Null(report.Sha256);
    }

    [Fact]
    public async Task Fetch_ManyTopLevelBoxes_BoundedRangeRequestsThenWhole()
    {
        // ftyp, then 60 'free' boxes of 10 KB each and no moov: every box header is a separate range.
        var file = new MemoryStream();
        file.Write([0, 0, 0, 16, .. "ftypisom"u8, 0, 0, 2, 0]);
        for (var i = 0; i < 60; i++)
        {
            file.Write([0, 0, 0x28, 0x08, .. "free"u8]);
            file.Write(new byte[0x2808 - 8]);
        }
        var bytes = file.ToArray();
        await using var server = await LoopbackHttpServer.StartAsync(routes => routes.MapGet("/a.mp4", LoopbackRanges.Serve(() => bytes)));
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a.mp4").ToString(), FetchTestKit.OneMegabyte, target.Path, partialAllowed: true, CancellationToken.None);

        Assert.True(result.Complete);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), result.Sha256);
        Assert.Equal(bytes.Length, result.Source.BytesFetched);
        Assert.InRange(server.Requests.Count, UrlFetcher.MaxRangeRequests, 2 * UrlFetcher.MaxRangeRequests + 1);
    }

    [Fact]
    public async Task Fetch_TotalFromContentRangeOverLimit_RefusedAfterTheFirstRange()
    {
        var bytes = await File.ReadAllBytesAsync(Faststart);
        await using var server = await LoopbackHttpServer.StartAsync(routes => routes.MapGet("/a", LoopbackRanges.Serve(() => bytes)));
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a").ToString(), new FetchLimits(10_000), target.Path, partialAllowed: true, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.FileTooLarge, target.Path);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Fetch_RangeOfAnHtmlPage_ReturnsHtml()
    {
        var page = Encoding.UTF8.GetBytes("<!doctype html><html><body>" + new string('x', 10_000) + "</body></html>");
        await using var server = await LoopbackHttpServer.StartAsync(routes => routes.MapGet("/a.mp4", LoopbackRanges.Serve(() => page)));
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a.mp4").ToString(), FetchTestKit.OneMegabyte, target.Path, partialAllowed: true, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlReturnsHtml, target.Path);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Fetch_PartialNotAllowed_NoRangeHeader()
    {
        var bytes = await File.ReadAllBytesAsync(Faststart);
        await using var server = await LoopbackHttpServer.StartAsync(routes => routes.MapGet("/a", LoopbackRanges.Serve(() => bytes)));
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        Assert.True(result.Complete);
        Assert.False(Assert.Single(server.Requests).Headers.ContainsKey("Range"));
    }

    internal static async Task<FileReport> InspectAsync(string url, bool wholeBody, FetchOptions? options = null)
    {
        using var fetcher = new UrlFetcher(options ?? SmallRanges);
        using var folder = new TempDir();
        var inspector = new UrlInspector(fetcher, Profile.HeyGen);
        var report = await inspector.InspectAsync(url, null, new InspectionOptions(), folder.Path, Engine.InspectAsync, null, wholeBody,
            CancellationToken.None);
        Assert.Empty(Directory.GetFiles(folder.Path));
        return report;
    }

    internal static string Describe(FileReport report) =>
        $"{report.Verdict} {report.Kind}\n" + string.Join("\n", report.Findings.Select(f => $"{f.Code} {f.Severity} {f.Message} | {f.Actual} | {f.Limit} | {f.Fix}"));
}
