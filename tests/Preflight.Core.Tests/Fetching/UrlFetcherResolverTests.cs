using System.Net;
using System.Net.Sockets;
using Preflight.Core.Fetching;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Fetching;

/// <summary>
/// The connect-time check with a stubbed resolver and a connector that never opens a socket: non-loopback
/// ranges are exercised without a single packet leaving the machine.
/// </summary>
public sealed class UrlFetcherResolverTests
{
    [Theory]
    [InlineData("169.254.169.254", "CloudMetadata")]
    [InlineData("10.0.0.1", "Private")]
    [InlineData("192.168.1.1", "Private")]
    [InlineData("172.16.5.4", "Private")]
    [InlineData("100.64.0.1", "SharedAddressSpace")]
    [InlineData("fd00::1", "UniqueLocal")]
    [InlineData("fe80::1", "LinkLocal")]
    [InlineData("::ffff:10.0.0.1", "Private")]
    [InlineData("::ffff:169.254.169.254", "CloudMetadata")]
    [InlineData("64:ff9b::a9fe:a9fe", "CloudMetadata")]
    [InlineData("2002:a9fe:a9fe::1", "CloudMetadata")]
    [InlineData("0.0.0.0", "Unspecified")]
    public async Task FetchAsync_PublicNameResolvingToInternalAddress_BlockedBeforeConnecting(string resolved, string expectedClass)
    {
        var resolver = new StubResolver(IPAddress.Parse(resolved));
        var connector = new RecordingConnector();
        using var fetcher = new UrlFetcher(new FetchOptions(), resolver.ResolveAsync, gate: null, connector.ConnectAsync);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync("https://media.example.com/clip.mp4", FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlBlocked, target.Path);
        Assert.Contains(expectedClass, result.Findings[0].Actual);
        Assert.Contains(IPAddress.Parse(resolved).ToString(), result.Findings[0].Message);
        Assert.Equal(["media.example.com"], resolver.Asked);
        Assert.Equal(0, connector.Calls);
    }

    [Fact]
    public async Task FetchAsync_MetadataAddressWithPrivateNetworksAllowed_StillBlocked()
    {
        var resolver = new StubResolver(IPAddress.Parse("169.254.169.254"));
        var connector = new RecordingConnector();
        using var fetcher = new UrlFetcher(new FetchOptions { AllowPrivateNetworks = true }, resolver.ResolveAsync, null, connector.ConnectAsync);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync("http://metadata.example.com/latest/meta-data/", FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlBlocked, target.Path);
        Assert.Equal(0, connector.Calls);
    }

    [Fact]
    public async Task FetchAsync_NameResolvingToPublicAndPrivateAddress_BlockedBeforeConnecting()
    {
        // A rebinding setup: one answer looks fine, another points inside.
        var resolver = new StubResolver(IPAddress.Parse("8.8.8.8"), IPAddress.Parse("10.0.0.1"));
        var connector = new RecordingConnector();
        using var fetcher = new UrlFetcher(new FetchOptions(), resolver.ResolveAsync, null, connector.ConnectAsync);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync("https://rebind.example.com/a.png", FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlBlocked, target.Path);
        Assert.Contains("10.0.0.1", result.Findings[0].Message);
        Assert.Equal(0, connector.Calls);
    }

    [Fact]
    public async Task FetchAsync_NameResolvingToPublicAddress_ConnectsToTheVettedAddress()
    {
        // The control for the tests above: the stub connector is reached when nothing is blocked
        // (it refuses, so no socket is ever opened).
        var resolver = new StubResolver(IPAddress.Parse("8.8.8.8"));
        var connector = new RecordingConnector();
        using var fetcher = new UrlFetcher(new FetchOptions(), resolver.ResolveAsync, null, connector.ConnectAsync);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync("http://cdn.example.com/a.png", FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlUnreachable, target.Path);
        Assert.Contains("refused", result.Findings[0].Message);
        Assert.Equal(1, connector.Calls);
        Assert.Equal([IPAddress.Parse("8.8.8.8")], connector.LastAddresses);
    }

    [Fact]
    public async Task FetchAsync_DnsFailure_Unreachable()
    {
        var resolver = new StubResolver { Failure = new SocketException((int)SocketError.HostNotFound) };
        var connector = new RecordingConnector();
        using var fetcher = new UrlFetcher(new FetchOptions(), resolver.ResolveAsync, null, connector.ConnectAsync);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync("https://no-such-host.example.com/a.mp4", FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlUnreachable, target.Path);
        Assert.Contains("DNS", result.Findings[0].Message);
        Assert.Equal(0, connector.Calls);
    }

    [Fact]
    public async Task FetchAsync_ResolverReturnsNothing_Unreachable()
    {
        var resolver = new StubResolver();
        var connector = new RecordingConnector();
        using var fetcher = new UrlFetcher(new FetchOptions(), resolver.ResolveAsync, null, connector.ConnectAsync);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync("https://empty.example.com/a.mp4", FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlUnreachable, target.Path);
        Assert.Equal(0, connector.Calls);
    }

    [Theory]
    [InlineData("http://10.0.0.1/a.mp4")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fd00::1]/a.mp4")]
    [InlineData("http://[fe80::1%25eth0]/a.mp4")]
    [InlineData("http://[::ffff:192.168.0.1]/a.mp4")]
    [InlineData("http://0xa9fea9fe/")]
    [InlineData("http://2852039166/")]
    public async Task FetchAsync_InternalAddressLiteral_BlockedWithoutResolvingOrConnecting(string url)
    {
        var resolver = new StubResolver(IPAddress.Parse("8.8.8.8"));
        var connector = new RecordingConnector();
        using var fetcher = new UrlFetcher(new FetchOptions(), resolver.ResolveAsync, null, connector.ConnectAsync);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(url, FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlBlocked, target.Path);
        Assert.Empty(resolver.Asked);
        Assert.Equal(0, connector.Calls);
    }

    [Theory]
    [InlineData("http://999.1.1.1/a.mp4")]
    [InlineData("http://1.2.3.4.5/a.mp4")]
    public async Task FetchAsync_NumericHostThatIsNoAddress_NeverReachesTheResolver(string url)
    {
        var resolver = new StubResolver(IPAddress.Parse("8.8.8.8"));
        var connector = new RecordingConnector();
        using var fetcher = new UrlFetcher(new FetchOptions(), resolver.ResolveAsync, null, connector.ConnectAsync);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(url, FetchTestKit.OneMegabyte, target.Path, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Empty(resolver.Asked);
        Assert.Equal(0, connector.Calls);
    }
}
