using System.Net;
using Microsoft.AspNetCore.Builder;
using Preflight.Core.Fetching;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Fetching;

/// <summary>
/// The SSRF matrix end to end: every spelling of the local host, against a real loopback listener that counts
/// every accepted connection. With private networks off, none may reach it.
/// </summary>
public sealed class UrlFetcherSsrfTests
{
    private static readonly byte[] Body = "not-html media bytes"u8.ToArray();

    public static TheoryData<string> LoopbackSpellings => new()
    {
        "http://127.0.0.1:{P}/file.bin",
        "http://127.1:{P}/file.bin",
        "http://0x7f000001:{P}/file.bin",
        "http://2130706433:{P}/file.bin",
        "http://0177.0.0.1:{P}/file.bin",
        "http://0x7f.0.0.1:{P}/file.bin",
        "http://127.0.0.1.:{P}/file.bin",
        "http://[::1]:{P6}/file.bin",
        "http://[::ffff:127.0.0.1]:{P}/file.bin",
        "http://[::ffff:7f00:1]:{P}/file.bin",
        "http://localhost:{P}/file.bin",
        "http://LOCALHOST.:{P}/file.bin",
        "http://0.0.0.0:{P}/file.bin",
        "http://0:{P}/file.bin",
    };

    [Theory]
    [MemberData(nameof(LoopbackSpellings))]
    public async Task FetchAsync_LoopbackSpellingWithPrivateNetworksOff_BlockedAndListenerSeesNoConnection(string template)
    {
        await using var server = await StartServerAsync();
        using var fetcher = new UrlFetcher(new FetchOptions());
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(Expand(template, server), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlBlocked, target.Path);
        Assert.Equal(0, server.ConnectionCount);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [MemberData(nameof(LoopbackSpellings))]
    public async Task FetchAsync_LoopbackSpellingWithPrivateNetworksOn_ReachesTheListener(string template)
    {
        // The control for the matrix above: the same spellings do reach the listener (and are counted) when
        // loopback is allowed, except the unspecified address, which stays blocked.
        await using var server = await StartServerAsync();
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed());
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(Expand(template, server), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        var unspecified = template.Contains("0.0.0.0", StringComparison.Ordinal) || template.Contains("//0:", StringComparison.Ordinal);
        if (unspecified)
        {
            FetchTestKit.AssertFailedWith(result, FindingCodes.UrlBlocked, target.Path);
            Assert.Equal(0, server.ConnectionCount);
        }
        else if (template.Contains("[::1]", StringComparison.Ordinal) && server.Ipv6Port is null)
        {
            // No IPv6 loopback on this machine (some containers): allowed, but nothing can answer there.
            FetchTestKit.AssertFailedWith(result, FindingCodes.UrlUnreachable, target.Path);
        }
        else
        {
            Assert.True(result.Succeeded, string.Join("; ", result.Findings.Select(f => f.Message)));
            Assert.Equal(Body, await File.ReadAllBytesAsync(result.FilePath!));
            Assert.True(server.ConnectionCount >= 1);
        }
    }

    [Fact]
    public async Task FetchAsync_RedirectToAnotherLoopbackSpelling_BlockedAtTheSecondHop()
    {
        // Loopback is allowed for the first server only, so the redirect's target must meet the check on its own.
        await using var second = await StartServerAsync();
        await using var first = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/start", LoopbackResponses.Redirect($"http://127.1:{second.Port}/file.bin")));
        var gate = FirstHopOnly(first.Port);
        using var fetcher = new UrlFetcher(new FetchOptions(), resolver: null, gate, connector: null);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(first.Url("/start").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlBlocked, target.Path);
        Assert.True(first.ConnectionCount >= 1);
        Assert.Single(first.Requests);
        Assert.Equal(0, second.ConnectionCount);
        Assert.Equal(1, result.Source.Redirects);
        Assert.Equal($"http://127.0.0.1:{second.Port}/file.bin", result.Source.FinalUrl);
    }

    [Fact]
    public async Task FetchAsync_RedirectWithBothHopsAllowed_ReachesTheSecondServer()
    {
        // The control for the test above: the same redirect is followed when the second hop is allowed too.
        await using var second = await StartServerAsync();
        await using var first = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/start", LoopbackResponses.Redirect($"http://127.1:{second.Port}/file.bin")));
        AddressGate gate = (endpoint, _, addressClass) =>
            endpoint.Port == first.Port || endpoint.Port == second.Port || !AddressPolicy.IsBlocked(addressClass);
        using var fetcher = new UrlFetcher(new FetchOptions(), resolver: null, gate, connector: null);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(first.Url("/start").ToString(), FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Findings.Select(f => f.Message)));
        Assert.True(second.ConnectionCount >= 1);
        Assert.Equal(1, result.Source.Redirects);
    }

    private static AddressGate FirstHopOnly(int port) =>
        (endpoint, _, addressClass) => endpoint.Port == port || !AddressPolicy.IsBlocked(addressClass);

    private static Task<LoopbackHttpServer> StartServerAsync() =>
        LoopbackHttpServer.StartAsync(routes => routes.MapGet("/file.bin", LoopbackResponses.Bytes(Body)));

    private static string Expand(string template, LoopbackHttpServer server) =>
        template.Replace("{P6}", (server.Ipv6Port ?? server.Port).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{P}", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
