using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Preflight.Core.Fetching;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Fetching;

/// <summary>
/// Range probing against servers whose answers are wrong in ways the well-behaved <see cref="LoopbackRanges"/> cannot
/// play: each must end in a clear finding or a whole download, never in a file made of other bytes.
/// </summary>
public sealed class RangeReviewTests
{
    private static readonly FetchOptions SmallRanges = FetchTestKit.SmallRanges;

    private static readonly string MoovAtEnd = Path.Combine(RepoPaths.TestData, "valid", "warning-not-faststart.mp4");

    [Fact]
    public async Task Fetch_LaterRangeGzipEncoded_ReadWholeInstead()
    {
        var bytes = await File.ReadAllBytesAsync(MoovAtEnd);
        var ranged = 0;
        await using var server = await LoopbackHttpServer.StartAsync(routes => routes.MapGet("/a.mp4", context =>
            Answer(context, bytes, gzip: Range(context) is not null && Interlocked.Increment(ref ranged) > 1)));
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a.mp4").ToString(), FetchTestKit.OneMegabyte, target.Path, partialAllowed: true, CancellationToken.None);

        AssertWhole(result, bytes);
    }

    [Fact]
    public async Task Fetch_FirstRangeGzipEncoded_ReadWholeInstead()
    {
        var bytes = await File.ReadAllBytesAsync(MoovAtEnd);
        await using var server = await LoopbackHttpServer.StartAsync(routes => routes.MapGet("/a.mp4", context =>
            Answer(context, bytes, gzip: Range(context) is not null)));
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a.mp4").ToString(), FetchTestKit.OneMegabyte, target.Path, partialAllowed: true, CancellationToken.None);

        AssertWhole(result, bytes);
        Assert.False(server.Requests[^1].Headers.ContainsKey("Range"));
    }

    [Fact]
    public async Task Fetch_LaterRangeAnswered204_NotAnEmptyFile()
    {
        var bytes = await File.ReadAllBytesAsync(MoovAtEnd);
        var ranged = 0;
        await using var server = await LoopbackHttpServer.StartAsync(routes => routes.MapGet("/a.mp4", context =>
        {
            if (Range(context) is not null && Interlocked.Increment(ref ranged) > 1)
            {
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return Task.CompletedTask;
            }
            return Answer(context, bytes, gzip: false);
        }));
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a.mp4").ToString(), FetchTestKit.OneMegabyte, target.Path, partialAllowed: true, CancellationToken.None);

        AssertWhole(result, bytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Fetch_PlainGetAnswered206_NotJudgedAsTheWholeFile(bool partialAllowed)
    {
        // Whatever is asked, the first 1,000 bytes: a slice of the file, never the file.
        var bytes = await File.ReadAllBytesAsync(MoovAtEnd);
        await using var server = await LoopbackHttpServer.StartAsync(routes => routes.MapGet("/a.mp4", async context =>
        {
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.ContentType = "video/mp4";
            // The first request's slice is what it asked for; later answers ignore the Range (or its absence).
            var to = Range(context) is { } range && range.From == 0 ? Math.Min(range.To, 999) : 999;
            context.Response.Headers.ContentRange = $"bytes 0-{to}/{bytes.Length}";
            context.Response.ContentLength = to + 1;
            await LoopbackResponses.SendAsync(context, bytes.AsMemory(0, (int)to + 1));
        }));
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a.mp4").ToString(), FetchTestKit.OneMegabyte, target.Path, partialAllowed, CancellationToken.None);

        var finding = FetchTestKit.SingleError(result);
        Assert.Equal(FindingCodes.UrlHttpError, finding.Code);
        Assert.Contains("206", finding.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(target.Path));
    }

    private static void AssertWhole(FetchResult result, byte[] bytes)
    {
        Assert.True(result.Succeeded, string.Join("; ", result.Findings.Select(f => f.Message)));
        Assert.True(result.Complete);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), result.Sha256);
        Assert.Equal(bytes, File.ReadAllBytes(result.FilePath!));
    }

    private static (long From, long To)? Range(HttpContext context)
    {
        var header = context.Request.Headers.Range.ToString();
        if (!header.StartsWith("bytes=", StringComparison.Ordinal)) return null;
        var parts = header["bytes=".Length..].Split('-');
        return (long.Parse(parts[0]), long.Parse(parts[1]));
    }

    /// <summary>The asked range (206, its Content-Range true), gzip-encoded and chunked when <paramref name="gzip"/>; else the whole body.</summary>
    private static async Task Answer(HttpContext context, byte[] bytes, bool gzip)
    {
        var response = context.Response;
        response.ContentType = "video/mp4";
        response.Headers.AcceptRanges = "bytes";
        if (Range(context) is not { } range)
        {
            response.ContentLength = bytes.Length;
            await LoopbackResponses.SendAsync(context, bytes);
            return;
        }
        var to = Math.Min(range.To, bytes.Length - 1);
        var slice = bytes.AsMemory((int)range.From, (int)(to - range.From + 1));
        response.StatusCode = StatusCodes.Status206PartialContent;
        response.Headers.ContentRange = $"bytes {range.From}-{to}/{bytes.Length}";
        if (!gzip)
        {
            response.ContentLength = slice.Length;
            await LoopbackResponses.SendAsync(context, slice);
            return;
        }
        var packed = new MemoryStream();
        using (var zip = new GZipStream(packed, CompressionLevel.Optimal, leaveOpen: true)) zip.Write(slice.Span);
        // Padded so a reader that ignores the encoding finds as many bytes as the range promised.
        var body = packed.ToArray().Concat(new byte[slice.Length]).ToArray();
        response.Headers.ContentEncoding = "gzip";
        await LoopbackResponses.SendAsync(context, body);
    }
}
