using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Preflight.Core.Fetching;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Fetching;

/// <summary>
/// What a server cannot make a check do: read more than the size limit in all (whatever its ranges claim), or open
/// more fetches at once to one host than <see cref="FetchOptions.MaxConcurrentPerHost"/>.
/// </summary>
public sealed class FetchBoundsTests
{
    private static readonly FetchOptions SmallRanges = FetchTestKit.SmallRanges;

    /// <summary>ftyp, then <paramref name="boxes"/> 'free' boxes of 10 KB and no moov: every box header costs a range.</summary>
    private static byte[] ManyBoxes(int boxes)
    {
        var file = new MemoryStream();
        file.Write([0, 0, 0, 16, .. "ftypisom"u8, 0, 0, 2, 0]);
        for (var i = 0; i < boxes; i++)
        {
            file.Write([0, 0, 0x28, 0x08, .. "free"u8]);
            file.Write(new byte[0x2808 - 8]);
        }
        return file.ToArray();
    }

    public static TheoryData<string, int> Misbehaviours() => new()
    {
        { "lies", 2 }, // the second answer's Content-Range is not the range asked for
        { "lies", 3 },
        { "whole", 2 }, // the second answer ignores the range: 200 with the whole body
    };

    private static RangeServing Misbehaving(string how, int from)
    {
        var answered = 0;
        return how == "lies"
            ? new RangeServing { ContentRangeLie = r => Interlocked.Increment(ref answered) >= from ? (r.From + 7, r.To + 7, r.Total) : r }
            : new RangeServing { OnlyFirstRange = true };
    }

    [Theory]
    [MemberData(nameof(Misbehaviours))]
    public async Task Fetch_LaterRangeAnswerMisbehaves_NeverReadsMoreThanTheLimitInAll(string how, int from)
    {
        // 994 KB under a 995 KB limit: reading it again whole after the first ranges would pass the limit in all.
        var bytes = ManyBoxes(97);
        var limits = new FetchLimits(995_000, "test files");
        Assert.InRange(bytes.Length, limits.MaxBytes - 2 * 2048, limits.MaxBytes);
        await using var server = await LoopbackHttpServer.StartAsync(routes => routes.MapGet("/a.mp4", LoopbackRanges.Serve(() => bytes, Misbehaving(how, from))));
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a.mp4").ToString(), limits, target.Path, partialAllowed: true, CancellationToken.None);

        FetchTestKit.AssertFailedWith(result, FindingCodes.UrlHttpError, target.Path);
        Assert.Contains("in all", result.Findings[0].Message, StringComparison.Ordinal);
        Assert.InRange(result.Source.BytesFetched!.Value, 1, limits.MaxBytes);
    }

    [Theory]
    [MemberData(nameof(Misbehaviours))]
    public async Task Fetch_LaterRangeAnswerMisbehaves_SmallerFileReadWholeWithinTheLimit(string how, int from)
    {
        var bytes = ManyBoxes(40);
        var limits = new FetchLimits(995_000, "test files");
        await using var server = await LoopbackHttpServer.StartAsync(routes => routes.MapGet("/a.mp4", LoopbackRanges.Serve(() => bytes, Misbehaving(how, from))));
        using var fetcher = new UrlFetcher(SmallRanges);
        using var target = new TempDir();

        var result = await fetcher.FetchAsync(server.Url("/a.mp4").ToString(), limits, target.Path, partialAllowed: true, CancellationToken.None);

        Assert.True(result.Succeeded);
        Assert.True(result.Complete);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), result.Sha256);
        Assert.InRange(result.Source.BytesFetched!.Value, bytes.Length + 1, limits.MaxBytes);
    }

    [Fact]
    public async Task Fetch_ManyOnOneHost_NeverMoreThanThePerHostBoundAtOnce()
    {
        var media = new byte[50_000];
        var inFlight = new InFlight();
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/{name}", inFlight.Around(LoopbackResponses.Delayed(TimeSpan.FromMilliseconds(150), LoopbackResponses.Bytes(media)))));
        // Two host names for the one loopback server: the bound is per host, not for the whole fetcher.
        var resolver = new StubResolver(IPAddress.Loopback);
        using var fetcher = new UrlFetcher(FetchTestKit.LoopbackAllowed() with { MaxConcurrency = 8, MaxConcurrentPerHost = 2 }, resolver.ResolveAsync);
        using var target = new TempDir();

        var urls = Enumerable.Range(0, 16).Select(i => $"http://{(i % 2 == 0 ? "a" : "b")}.example:{server.Port}/f{i}.bin");
        var results = await Task.WhenAll(urls.Select(url => fetcher.FetchAsync(url, FetchTestKit.OneMegabyte, target.Path, CancellationToken.None)));

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.InRange(inFlight.MaxFor("a.example"), 1, 2);
        Assert.InRange(inFlight.MaxFor("b.example"), 1, 2);
        // The other host went ahead meanwhile: more than the per-host bound ran at once in all.
        Assert.InRange(inFlight.MaxOverall, 3, 4);
    }

    [Fact]
    public async Task HostSlots_HostsComeAndGo_NoSlotsKeptForIdleHosts()
    {
        var slots = new HostSlots(1);

        using (await slots.EnterAsync("a.example", CancellationToken.None))
        {
            using var waiting = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slots.EnterAsync("A.EXAMPLE", waiting.Token));
            Assert.Equal(1, slots.HostsInUse);
        }

        Assert.Equal(0, slots.HostsInUse);
    }

    /// <summary>Counts requests being answered at once, per Host header and in all.</summary>
    internal sealed class InFlight
    {
        private readonly Dictionary<string, (int Now, int Max)> _hosts = new(StringComparer.OrdinalIgnoreCase);
        private int _now;

        public int MaxOverall { get; private set; }

        public int MaxFor(string host)
        {
            lock (_hosts) return _hosts.TryGetValue(host, out var counts) ? counts.Max : 0;
        }

        public RequestDelegate Around(RequestDelegate inner) => async context =>
        {
            var host = context.Request.Host.Host;
            lock (_hosts)
            {
                var (now, max) = _hosts.GetValueOrDefault(host);
                _hosts[host] = (now + 1, Math.Max(max, now + 1));
                MaxOverall = Math.Max(MaxOverall, ++_now);
            }
            try
            {
                await inner(context);
            }
            finally
            {
                lock (_hosts)
                {
                    var (now, max) = _hosts[host];
                    _hosts[host] = (now - 1, max);
                    _now--;
                }
            }
        };
    }
}
