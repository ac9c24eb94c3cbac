using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Preflight.Core.Inspection;
using Preflight.Staging;
using Preflight.TestSupport;

namespace Preflight.Worker.Tests;

/// <summary>The shared verdict cache in the worker: two workers on one queue never inspect one content twice.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class VerdictCacheWorkerTests(AzuriteFixture azurite)
{
    /// <summary>The worker's own composition (engine behind the verdict cache), with the engine calls counted.</summary>
    private static Action<IServiceCollection> Counting(Action onInspect) => services =>
        services.AddSingleton<WorkerInspection>(sp =>
        {
            var cache = sp.GetRequiredService<VerdictCache>();
            var inspector = sp.GetRequiredService<Inspector>();
            return (request, options, ct) => cache.InspectAsync(request, options, (r, o, t) =>
            {
                onInspect();
                return inspector.InspectAsync(r, o, t);
            }, ct);
        });

    [Fact]
    public async Task TwoWorkers_SameContentInManyUploads_InspectedOnce()
    {
        await using var harness = new WorkerHarness(azurite.ConnectionString);
        await harness.InitializeAsync();
        var inspections = 0;
        var urls = new List<string>();
        for (var i = 0; i < 10; i++) urls.Add(await harness.UploadAsync("valid/image-320x180.jpg", $"job-{i}/background.jpg"));
        for (var i = 0; i < 4; i++) urls.Add(await harness.UploadAsync("corrupt/jpeg-no-eoi.jpg", $"job-{i}/photo.jpg"));
        var first = await harness.StartWorkerAsync(Counting(() => Interlocked.Increment(ref inspections)));
        var second = await harness.StartWorkerAsync(Counting(() => Interlocked.Increment(ref inspections)));
        Assert.True(first.Services.GetRequiredService<VerdictCache>().Enabled);

        foreach (var url in urls) await harness.SendRequestAsync(url);
        var results = await harness.ResultsAsync(urls.Count, seconds: 90);

        Assert.Equal(urls.Count, results.Count);
        Assert.Equal(10, results.Count(r => r.GetProperty("verdict").GetString() == "pass"));
        Assert.Equal(4, results.Count(r => r.GetProperty("verdict").GetString() == "fail"));
        // Two distinct contents (under two names): two inspections, whichever worker got which message.
        Assert.Equal(2, inspections);
        // A failing upload answered from the cache is still rejected with its report, which says it was cached.
        var reports = (await WorkerHarness.ListAsync(harness.Rejected)).Where(n => n.EndsWith(".preflight.json", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, reports.Count);
        var cachedReports = 0;
        foreach (var name in reports)
        {
            using var report = JsonDocument.Parse((await harness.Rejected.GetBlobClient(name).DownloadContentAsync()).Value.Content.ToString());
            if (report.RootElement.TryGetProperty("cached", out var cached) && cached.GetBoolean()) cachedReports++;
        }
        // At least the three that followed the first; the first too when its message was delivered again (the harness's
        // visibility timeout is 3 s) and the redelivery rewrote its report from the cache.
        Assert.InRange(cachedReports, 3, 4);
    }

    [Fact]
    public async Task Worker_CacheDisabled_InspectsEveryMessage()
    {
        await using var harness = new WorkerHarness(azurite.ConnectionString, new() { ["Preflight:Cache:Enabled"] = "false" });
        await harness.InitializeAsync();
        var inspections = 0;
        var urls = new List<string>();
        for (var i = 0; i < 3; i++) urls.Add(await harness.UploadAsync("valid/image-320x180.jpg", $"job-{i}/background.jpg"));
        var worker = await harness.StartWorkerAsync(Counting(() => Interlocked.Increment(ref inspections)));

        foreach (var url in urls) await harness.SendRequestAsync(url);
        var results = await harness.ResultsAsync(urls.Count, seconds: 60);

        Assert.False(worker.Services.GetRequiredService<VerdictCache>().Enabled);
        Assert.Equal(3, results.Count);
        Assert.Equal(3, inspections);
    }
}
