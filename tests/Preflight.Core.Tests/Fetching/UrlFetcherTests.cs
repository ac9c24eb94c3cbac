using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Preflight.Core.Fetching;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Fetching;

/// <summary>Responses mapped to findings, against a real loopback server with private networks allowed.</summary>
public sealed class UrlFetcherTests
{
    // Bytes that look like nothing in particular (not HTML), large enough to span many reads.
    private static readonly byte[] Media = CreateMedia(300_000);

    [Fact]
    public async Task FetchAsync_Ok_WritesBodyToGeneratedFileWithHashAndSource()
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/videos/clip.mp4", LoopbackResponses.Bytes(Media, "video/mp4")));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();
        var url = server.Url("/videos/clip.mp4?sig=abc").ToString();

        var result = await fetcher.FetchAsync(url, FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Empty(result.Findings);
        Assert.NotNull(result.FilePath);
        Assert.Equal(target.Path, Path.GetDirectoryName(result.FilePath));
        Assert.DoesNotContain("clip", Path.GetFileName(result.FilePath), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Media, await File.ReadAllBytesAsync(result.FilePath));
        Assert.Equal(Media.Length, result.BytesWritten);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Media)), result.Sha256);
        Assert.Equal(new UrlSource(url, url, 200, "video/mp4", Media.Length, 0), result.Source);
    }

    [Fact]
    public async Task FetchAsync_ChunkedBodyUnderLimit_Downloaded()
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a.bin", LoopbackResponses.Bytes(Media, chunked: true)));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a.bin").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Null(result.Source.ContentLength);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Media)), result.Sha256);
    }

    [Fact]
    public async Task FetchAsync_Request_SendsUserAgentAndNoCompressionOrCredentials()
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a.bin", LoopbackResponses.Bytes(Media)));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed() with { UserAgent = "PreflightTest/1" });
        using var target = new TempDir();

        await fetcher.FetchAsync(server.Url("/a.bin").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        var request = Assert.Single(server.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal("PreflightTest/1", request.Headers["User-Agent"]);
        Assert.False(request.Headers.ContainsKey("Accept-Encoding"));
        Assert.False(request.Headers.ContainsKey("Authorization"));
        Assert.False(request.Headers.ContainsKey("Cookie"));
    }

    [Theory]
    [InlineData(401, FindingCodes.UrlNotPublic)]
    [InlineData(403, FindingCodes.UrlNotPublic)]
    [InlineData(404, FindingCodes.UrlNotFound)]
    [InlineData(410, FindingCodes.UrlNotFound)]
    [InlineData(500, FindingCodes.UrlHttpError)]
    [InlineData(503, FindingCodes.UrlHttpError)]
    [InlineData(418, FindingCodes.UrlHttpError)]
    [InlineData(304, FindingCodes.UrlHttpError)]
    public async Task FetchAsync_ErrorStatus_MapsToFinding(int status, string code)
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a.mp4", LoopbackResponses.Status(status)));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a.mp4").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, code, target.Path);
        Assert.Equal(status, result.Source.HttpStatus);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Findings[0].Message);
    }

    [Fact]
    public async Task FetchAsync_RedirectChain_FollowedToTheFile()
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
        {
            routes.MapGet("/a", LoopbackResponses.Redirect("/b", 301));
            routes.MapGet("/b", LoopbackResponses.Redirect("c", 307));
            routes.MapGet("/c", context => LoopbackResponses.Redirect(new Uri(new Uri($"http://127.0.0.1:{context.Connection.LocalPort}"), "/file.bin").ToString(), 308)(context));
            routes.MapGet("/file.bin", LoopbackResponses.Bytes(Media));
        });
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.Equal(3, result.Source.Redirects);
        Assert.Equal(server.Url("/file.bin").ToString(), result.Source.FinalUrl);
        Assert.Equal(200, result.Source.HttpStatus);
        Assert.Equal(Media, await File.ReadAllBytesAsync(result.FilePath!));
    }

    [Fact]
    public async Task FetchAsync_MoreRedirectsThanAllowed_HttpErrorAndStops()
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
        {
            routes.MapGet("/1", LoopbackResponses.Redirect("/2"));
            routes.MapGet("/2", LoopbackResponses.Redirect("/3"));
            routes.MapGet("/3", LoopbackResponses.Redirect("/file.bin"));
            routes.MapGet("/file.bin", LoopbackResponses.Bytes(Media));
        });
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed() with { MaxRedirects = 2 });
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/1").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlHttpError, target.Path);
        Assert.Contains("more than 2", result.Findings[0].Message);
        Assert.DoesNotContain(server.Requests, r => r.PathAndQuery == "/file.bin");
    }

    [Theory]
    [InlineData("//evil:99999/x")]
    [InlineData("//[zz]/x")]
    [InlineData("//a b/x")]
    public async Task FetchAsync_RedirectToALocationThatIsNoURL_InvalidFindingNotAnException(string location)
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/moved", LoopbackResponses.Redirect(location)));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/moved").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlInvalid, target.Path);
        Assert.Contains("not a valid URL", result.Findings[0].Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task FetchAsync_RedirectLoop_HttpError()
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/loop", LoopbackResponses.Redirect("/loop")));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/loop").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlHttpError, target.Path);
        Assert.Equal(6, server.Requests.Count); // the first request and MaxRedirects (5) more
    }

    [Fact]
    public async Task FetchAsync_RedirectWithoutLocation_HttpError()
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a", LoopbackResponses.Status(302)));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlHttpError, target.Path);
    }

    [Theory]
    [InlineData("/login?next=%2Fshare%2Fa.mp4")]
    [InlineData("/accounts/signin")]
    [InlineData("/sso/start")]
    [InlineData("/ServiceLogin?continue=x")]
    [InlineData("/users/sign-in")]
    public async Task FetchAsync_RedirectToLoginPage_NotPublicWithoutFollowing(string loginPath)
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
        {
            routes.MapGet("/share/a.mp4", LoopbackResponses.Redirect(loginPath));
            routes.MapFallback(LoopbackResponses.Text("<!doctype html><title>Sign in</title>", "text/html"));
        });
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/share/a.mp4").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlNotPublic, target.Path);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("ftp://example.org/a.mp4")]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://user:secret@127.0.0.1:1/a.mp4")]
    public async Task FetchAsync_RedirectToUnfetchableUrl_InvalidWithoutFollowing(string location)
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a", LoopbackResponses.Redirect(location)));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlInvalid, target.Path);
        Assert.DoesNotContain("secret", result.Findings[0].Message);
        Assert.Equal(1, server.ConnectionCount);
    }

    [Fact]
    public async Task FetchAsync_HtmlContentType_ReturnsHtml()
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/file/d/abc/view", LoopbackResponses.Text("<!DOCTYPE html><html><body>Drive</body></html>", "text/html; charset=utf-8")));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/file/d/abc/view").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlReturnsHtml, target.Path);
        Assert.Contains("web page instead of the media file", result.Findings[0].Message);
        Assert.Equal("text/html; charset=utf-8", result.Source.ContentType);
    }

    [Theory]
    [InlineData("<!DOCTYPE html>\n<html lang=\"en\"><head><title>x</title></head></html>")]
    [InlineData("\uFEFF  <html><body>hi</body></html>")]
    [InlineData("<!-- generated -->\n<!doctype html><html></html>")]
    public async Task FetchAsync_HtmlBodyLabelledAsMedia_ReturnsHtml(string html)
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a.mp4", LoopbackResponses.Bytes(Encoding.UTF8.GetBytes(html), "video/mp4")));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a.mp4").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlReturnsHtml, target.Path);
    }

    [Fact]
    public async Task FetchAsync_LargeHtmlBodyWithoutContentType_ReturnsHtmlAndStopsEarly()
    {
        const long available = 1_000_000_000;
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a", LoopbackResponses.Endless(available, contentType: null, firstBytes: "<html><body>"u8.ToArray())));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a").ToString(), new FetchLimits(10_000_000), target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlReturnsHtml, target.Path);
        var request = Assert.Single(server.Requests);
        await request.WhenAborted.WaitAsync(TimeSpan.FromSeconds(30));
        // A client that stopped reading lets the server fill socket buffers (a few MB), never the whole body.
        Assert.True(server.BytesSent < 100_000_000, $"{server.BytesSent} bytes sent");
    }

    [Fact]
    public async Task FetchAsync_ContentLengthOverLimit_TooLargeWithoutReadingTheBody()
    {
        // The server sends 64 KB of a declared 100 MB and then waits: a client that read the body would
        // hang until its timeout instead of answering file.too_large.
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/big.mp4", LoopbackResponses.DeclareThenStall(100_000_000, sendFirst: 64 * 1024, "video/mp4")));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed(TimeSpan.FromSeconds(60)));
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/big.mp4").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.FileTooLarge, target.Path);
        Assert.Equal("100000000", result.Findings[0].Actual);
        Assert.Equal("1000000", result.Findings[0].Limit);
        Assert.Contains("test limit", result.Findings[0].Message);
        Assert.Equal(100_000_000, result.Source.ContentLength);
        var request = Assert.Single(server.Requests);
        await request.WhenAborted.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task FetchAsync_ChunkedBodyOverLimit_TooLargeAndReadingStops()
    {
        const long available = 1_000_000_000;
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/stream", LoopbackResponses.Endless(available)));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/stream").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.FileTooLarge, target.Path);
        Assert.Null(result.Source.ContentLength);
        Assert.Equal("> 1000000", result.Findings[0].Actual);
        var request = Assert.Single(server.Requests);
        await request.WhenAborted.WaitAsync(TimeSpan.FromSeconds(30));
        // A client that stopped reading lets the server fill socket buffers (a few MB), never the whole body.
        Assert.True(server.BytesSent < 100_000_000, $"{server.BytesSent} bytes sent");
    }

    [Fact]
    public async Task FetchAsync_BodyExactlyAtLimit_Downloaded()
    {
        var body = CreateMedia(4096);
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a", LoopbackResponses.Bytes(body, chunked: true, chunkSize: 1000)));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();

        var atLimit = await fetcher.FetchAsync(server.Url("/a").ToString(), new FetchLimits(4096), target.Path, CancellationToken.None);
        var overLimit = await fetcher.FetchAsync(server.Url("/a").ToString(), new FetchLimits(4095), target.Path, CancellationToken.None);

        Assert.True(atLimit.Succeeded);
        Assert.Equal(4096, atLimit.BytesWritten);
        Assert.Equal(FindingCodes.FileTooLarge, FetchTestKit.SingleError(overLimit).Code);
        Assert.Equal(atLimit.FilePath, Assert.Single(Directory.GetFiles(target.Path)));
    }

    [Fact]
    public async Task FetchAsync_SlowServer_TimesOutAsUnreachable()
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/slow", LoopbackResponses.Delayed(TimeSpan.FromMinutes(5), LoopbackResponses.Bytes(Media))));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed(TimeSpan.FromMilliseconds(500)));
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/slow").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlUnreachable, target.Path);
        Assert.Contains("timed out after 500 ms", result.Findings[0].Message);
    }

    [Fact]
    public async Task FetchAsync_BodyStallsMidway_TimesOutAndLeavesNoFile()
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/stall", LoopbackResponses.Bytes(Media, chunkSize: 100_000, chunkDelay: TimeSpan.FromMinutes(5))));
        // The timeout covers connecting and the headers too (a loaded machine can be slow there); the stall is minutes long.
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed(TimeSpan.FromSeconds(3)));
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/stall").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlUnreachable, target.Path);
        Assert.Contains("timed out", result.Findings[0].Message);
        Assert.Equal(200, result.Source.HttpStatus);
    }

    [Fact]
    public async Task FetchAsync_BodyShorterThanContentLength_UnreachableAndLeavesNoFile()
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/cut", async context =>
            {
                context.Response.ContentLength = 10_000;
                await context.Response.Body.WriteAsync(new byte[2_000]);
                await context.Response.Body.FlushAsync();
                context.Abort();
            }));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/cut").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlUnreachable, target.Path);
    }

    [Fact]
    public async Task FetchAsync_ConnectionRefused_Unreachable()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();

        var result = await fetcher.FetchAsync($"http://127.0.0.1:{port}/a.mp4", FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlUnreachable, target.Path);
        Assert.Contains("refused", result.Findings[0].Message);
        Assert.Null(result.Source.HttpStatus);
    }

    [Theory]
    [InlineData("http://user:secret@127.0.0.1:{P}/a.bin")]
    [InlineData("http://user@127.0.0.1:{P}/a.bin")]
    [InlineData("ftp://127.0.0.1:{P}/a.bin")]
    [InlineData("file:///etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("a.bin")]
    [InlineData("javascript:alert(1)")]
    [InlineData("not a url at all")]
    [InlineData("http://")]
    [InlineData("")]
    [InlineData("   ")]
    public async Task FetchAsync_InvalidUrl_InvalidWithoutConnecting(string template)
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a.bin", LoopbackResponses.Bytes(Media)));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();
        var url = template.Replace("{P}", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var result = await fetcher.FetchAsync(url, FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlInvalid, target.Path);
        Assert.Equal(0, server.ConnectionCount);
        Assert.DoesNotContain("secret", result.Source.Url);
        Assert.DoesNotContain("secret", result.Findings[0].Message);
    }

    [Fact]
    public async Task FetchAsync_CallerCancels_ThrowsAndLeavesNoFile()
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/stall", LoopbackResponses.Bytes(Media, chunkSize: 100_000, chunkDelay: TimeSpan.FromMinutes(5))));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();
        using var cancel = new CancellationTokenSource();

        var fetch = fetcher.FetchAsync(server.Url("/stall").ToString(), FetchTestKit.OneMegabyte, target.Path, cancel.Token);
        // Cancel once the body has started, so a partial file exists at that moment.
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            while (server.Requests.Count == 0 || server.Requests[0].BodyBytesSent == 0) await Task.Delay(10, patience.Token);
        }
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fetch);
        Assert.Empty(Directory.EnumerateFileSystemEntries(target.Path));
    }

    [Fact]
    public async Task FetchAsync_TargetDirectoryMissing_ThrowsWithoutConnecting()
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a.bin", LoopbackResponses.Bytes(Media)));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();

        await Assert.ThrowsAsync<DirectoryNotFoundException>(() =>
            fetcher.FetchAsync(server.Url("/a.bin").ToString(), FetchTestKit.OneMegabyte, target.File("missing"), CancellationToken.None));
        Assert.Equal(0, server.ConnectionCount);
    }

    [Fact]
    public async Task FetchAsync_ManyAtOnce_AllSucceedThroughTheConcurrencyBound()
    {
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/a.bin", LoopbackResponses.Bytes(Media)));
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed() with { MaxConcurrency = 2 });
        using var target = new TempDir();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            fetcher.FetchAsync(server.Url("/a.bin").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None)));

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(6, results.Select(r => r.FilePath).Distinct().Count());
    }

    private static byte[] CreateMedia(int length)
    {
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        bytes[0] = 0; // never mistaken for text
        return bytes;
    }
}
