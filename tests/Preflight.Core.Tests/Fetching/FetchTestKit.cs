using System.Net;
using System.Net.Sockets;
using Preflight.Core.Fetching;
using Preflight.Core.Reports;

namespace Preflight.Core.Tests.Fetching;

/// <summary>Shared pieces of the fetcher tests.</summary>
internal static class FetchTestKit
{
    public static readonly FetchLimits OneMegabyte = new(1_000_000, "test files", "test limit");

    public static FetchOptions LoopbackAllowed(TimeSpan? timeout = null) => new()
    {
        AllowPrivateNetworks = true,
        Timeout = timeout ?? TimeSpan.FromSeconds(30),
    };

    /// <summary>Loopback allowed, with 2 KB ranges: a small test file takes several range requests.</summary>
    public static readonly FetchOptions SmallRanges = LoopbackAllowed() with { RangeHeadBytes = 2048, MinRangeBytes = 2048 };

    public static Finding SingleError(FetchResult result)
    {
        Assert.False(result.Succeeded);
        Assert.Null(result.FilePath);
        Assert.Null(result.Sha256);
        return Assert.Single(result.Findings, f => f.Severity == Severity.Error);
    }

    public static void AssertFailedWith(FetchResult result, string code, string targetDirectory)
    {
        var finding = SingleError(result);
        Assert.Equal(code, finding.Code);
        Assert.Empty(Directory.EnumerateFileSystemEntries(targetDirectory));
    }
}

/// <summary>
/// Stands in for the socket: records what the fetcher would have connected to and never opens a connection,
/// so tests of non-loopback addresses send no packet anywhere.
/// </summary>
internal sealed class RecordingConnector
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public IPAddress[]? LastAddresses { get; private set; }

    public ValueTask<Stream> ConnectAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        LastAddresses = addresses;
        return ValueTask.FromException<Stream>(new SocketException((int)SocketError.ConnectionRefused));
    }
}

/// <summary>A resolver with canned answers that records the names asked for.</summary>
internal sealed class StubResolver(params IPAddress[] answer)
{
    private readonly List<string> _asked = [];

    public IReadOnlyList<string> Asked { get { lock (_asked) return _asked.ToArray(); } }

    public Exception? Failure { get; init; }

    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        lock (_asked) _asked.Add(host);
        return Failure is null ? Task.FromResult(answer) : Task.FromException<IPAddress[]>(Failure);
    }
}
