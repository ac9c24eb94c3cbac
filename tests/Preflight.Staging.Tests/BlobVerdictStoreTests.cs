using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Time.Testing;
using Preflight.Core.Inspection;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Staging.Tests;

/// <summary>The shared verdict cache on a real Azurite: hits, expiry, claims, and N instances inspecting content once.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobVerdictStoreTests(AzuriteFixture azurite) : IDisposable
{
    private readonly string _container = AzuriteFixture.UniqueName("cache");
    private readonly TempDir _dir = new();

    private BlobVerdictStore Store(TimeProvider? time = null, TimeSpan? ttl = null) =>
        new(new VerdictCacheOptions { ConnectionString = azurite.ConnectionString, Container = _container, Ttl = ttl ?? TimeSpan.FromDays(30) },
            time ?? TimeProvider.System);

    private static FileReport Report(string sha256, string path = "a.png") => new()
    {
        Path = path,
        Kind = AssetKind.Image,
        Verdict = Verdict.Fail,
        SizeBytes = 3,
        Sha256 = sha256,
        Detected = new DetectedFormat("png", "image/png", "test"),
        Findings = [Finding.Error(FindingCodes.FileCorrupt, "cut", fix: "mv -n 'a.png' 'b.png'")],
    };

    [Fact]
    public async Task PutThenGet_RoundTripsTheReport()
    {
        var store = Store();
        var report = Report(new string('1', 64));

        Assert.Null(await store.TryGetAsync("k1", default));
        await store.PutAsync("k1", report, default);
        var read = await store.TryGetAsync("k1", default);

        Assert.NotNull(read);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(report, PreflightJson.Compact), System.Text.Json.JsonSerializer.Serialize(read, PreflightJson.Compact));
    }

    [Fact]
    public async Task Put_Twice_FirstWriterWins()
    {
        var store = Store();
        await store.PutAsync("k2", Report(new string('1', 64), "first.png"), default);
        await store.PutAsync("k2", Report(new string('1', 64), "second.png"), default);

        Assert.Equal("first.png", (await store.TryGetAsync("k2", default))!.Path);
    }

    [Fact]
    public async Task Get_OlderThanTtl_IsAMissAndIsReplaced()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = Store(time, TimeSpan.FromHours(1));
        await store.PutAsync("k3", Report(new string('1', 64), "old.png"), default);

        time.Advance(TimeSpan.FromHours(2));

        Assert.Null(await store.TryGetAsync("k3", default));
        await store.PutAsync("k3", Report(new string('1', 64), "new.png"), default);
        Assert.Equal("new.png", (await Store().TryGetAsync("k3", default))!.Path);
    }

    [Fact]
    public async Task Claim_HeldByAnother_NullUntilReleasedOrStale()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = Store(time);

        var first = await store.TryClaimAsync("k4", default);
        Assert.NotNull(first);
        Assert.Null(await store.TryClaimAsync("k4", default));
        await first.DisposeAsync();
        var second = await store.TryClaimAsync("k4", default);
        Assert.NotNull(second);

        // The holder died: after ClaimTimeout its claim is taken over.
        time.Advance(TimeSpan.FromMinutes(3));
        Assert.NotNull(await store.TryClaimAsync("k4", default));
    }

    [Fact]
    public async Task Claim_CancelledWhileTheServiceCreatesIt_LeavesNoClaimBehind()
    {
        // The caller gives up (a worker stopping) just as the service has created the claim.
        using var giveUp = new CancellationTokenSource();
        var store = new BlobVerdictStore(
            new VerdictCacheOptions { ConnectionString = azurite.ConnectionString, Container = _container },
            TimeProvider.System,
            options => options.AddPolicy(new AfterResponse("/claims/", giveUp.Cancel), HttpPipelinePosition.PerCall));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.TryClaimAsync("k6", giveUp.Token));

        // Another instance can claim at once; before, it waited ClaimTimeout for a claim nobody held.
        await using var other = await Store().TryClaimAsync("k6", default);
        Assert.NotNull(other);
    }

    [Fact]
    public async Task Claim_WhoseAnswerIsLost_IsRecognisedAsOursWhenTheRetryMeetsIt()
    {
        // The service creates the claim but its answer never arrives (a reset connection): the SDK retries, and the
        // retry finds a claim. It is this instance's; taking it for another's would make everyone wait ClaimTimeout.
        var lost = 0;
        var store = new BlobVerdictStore(
            new VerdictCacheOptions { ConnectionString = azurite.ConnectionString, Container = _container },
            TimeProvider.System,
            options => options.AddPolicy(new AfterResponse("/claims/", () =>
            {
                if (Interlocked.Increment(ref lost) == 1) throw new IOException("connection reset (injected)");
            }), HttpPipelinePosition.PerRetry));

        await using var claim = await store.TryClaimAsync("k8", default);

        Assert.NotNull(claim);
        Assert.True(lost >= 2, "the retry never happened, so the test proves nothing");
        Assert.Null(await Store().TryClaimAsync("k8", default)); // held, by us
    }

    [Fact]
    public async Task Claim_AlreadyCancelled_ClaimsNothing()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Store().TryClaimAsync("k7", new CancellationToken(canceled: true)));

        await using var other = await Store().TryClaimAsync("k7", default);
        Assert.NotNull(other);
    }

    [Fact]
    public async Task StoreUnreachable_EverythingIsAMissNothingThrows()
    {
        var store = new BlobVerdictStore(new VerdictCacheOptions
        {
            ConnectionString = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;",
        }, TimeProvider.System);

        Assert.Null(await store.TryGetAsync("k", default));
        await store.PutAsync("k", Report(new string('1', 64)), default);
        Assert.NotNull(await store.TryClaimAsync("k", default));
    }

    [Fact]
    public async Task CachedInspection_ManyInstancesSameContent_InspectedOnce()
    {
        var path = _dir.Write("a.png", [1, 2, 3]);
        var inspections = 0;
        async Task<FileReport> Inspect(InspectionRequest request, InspectionOptions options, CancellationToken ct)
        {
            Interlocked.Increment(ref inspections);
            await Task.Delay(300, ct); // long enough for the others to find the claim
            return Report(request.Sha256!, request.DisplayPath);
        }

        // Six instances (each its own store client), the same bytes at once, then once more each.
        var instances = Enumerable.Range(0, 6)
            .Select(_ => new CachedInspection(Store(), new VerdictWait(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50)), TimeProvider.System))
            .ToList();
        var reports = await Task.WhenAll(instances.Select(i => i.InspectAsync(new InspectionRequest(path, "uploads/a.png"), new InspectionOptions(), Inspect, default)));
        var again = await Task.WhenAll(instances.Select(i => i.InspectAsync(new InspectionRequest(path, "other/a.png"), new InspectionOptions(), Inspect, default)));

        Assert.Equal(1, inspections);
        Assert.Equal(5, reports.Count(r => r.Cached == true));
        Assert.All(again, r => Assert.True(r.Cached));
        Assert.All(again, r => Assert.Equal("other/a.png", r.Path));
    }

    [Fact]
    public async Task CachedInspection_OtherPlanOrName_InspectedAgain()
    {
        var path = _dir.Write("b.png", [4, 5, 6]);
        var inspections = 0;
        Task<FileReport> Inspect(InspectionRequest request, InspectionOptions options, CancellationToken ct)
        {
            Interlocked.Increment(ref inspections);
            return Task.FromResult(Report(request.Sha256!, request.DisplayPath));
        }
        var cached = new CachedInspection(Store(), new VerdictWait(TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50)), TimeProvider.System);

        await cached.InspectAsync(new InspectionRequest(path, "b.png"), new InspectionOptions(), Inspect, default);
        await cached.InspectAsync(new InspectionRequest(path, "b.png"), new InspectionOptions { Plan = "pro" }, Inspect, default);
        await cached.InspectAsync(new InspectionRequest(path, "b.png"), new InspectionOptions { Deep = true }, Inspect, default);
        await cached.InspectAsync(new InspectionRequest(path, "renamed.png"), new InspectionOptions(), Inspect, default);
        var hit = await cached.InspectAsync(new InspectionRequest(path, "b.png"), new InspectionOptions(), Inspect, default);

        Assert.Equal(4, inspections);
        Assert.True(hit.Cached);
    }

    [Fact]
    public async Task CachedInspection_TimeoutReport_NotStored()
    {
        var path = _dir.Write("c.png", [7]);
        var inspections = 0;
        Task<FileReport> Inspect(InspectionRequest request, InspectionOptions options, CancellationToken ct)
        {
            Interlocked.Increment(ref inspections);
            return Task.FromResult(Report(request.Sha256!) with { Findings = [Finding.Error(FindingCodes.ProbeTimeout, "slow")] });
        }
        var cached = new CachedInspection(Store(), new VerdictWait(TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(50)), TimeProvider.System);

        await cached.InspectAsync(new InspectionRequest(path, "c.png"), new InspectionOptions(), Inspect, default);
        var second = await cached.InspectAsync(new InspectionRequest(path, "c.png"), new InspectionOptions(), Inspect, default);

        Assert.Equal(2, inspections);
        Assert.Null(second.Cached);
    }

    public void Dispose()
    {
        _dir.Dispose();
        try { new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(_container).DeleteIfExists(); } catch (Azure.RequestFailedException) { }
    }

    /// <summary>Runs an action once a request whose path contains <paramref name="pathPart"/> has its answer.</summary>
    private sealed class AfterResponse(string pathPart, Action action) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ProcessNext(message, pipeline);
            if (message.Request.Uri.Path.Contains(pathPart, StringComparison.Ordinal)) action();
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (message.Request.Uri.Path.Contains(pathPart, StringComparison.Ordinal)) action();
        }
    }
}
