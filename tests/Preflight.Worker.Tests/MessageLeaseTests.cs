using Microsoft.Extensions.DependencyInjection;
using Preflight.Core.Inspection;
using Preflight.TestSupport;

namespace Preflight.Worker.Tests;

/// <summary>A file that takes longer than the visibility timeout is inspected once, not once per worker that sees it.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class MessageLeaseTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Worker_InspectionLongerThanVisibilityTimeout_MessageStaysHiddenAndIsProcessedOnce()
    {
        await using var harness = new WorkerHarness(azurite.ConnectionString, new()
        {
            ["Preflight:Worker:VisibilityTimeout"] = "00:00:02",
            ["Preflight:Worker:Concurrency"] = "2",
        });
        await harness.InitializeAsync();
        var url = await harness.UploadAsync("valid/image-160x90.png");
        await harness.SendRequestAsync(url, "slow");

        var inspections = 0;
        // Two workers compete for the queue, each with two consumers: without the lease the message reappears
        // after 2 s and another consumer inspects it again.
        for (var i = 0; i < 2; i++)
        {
            await harness.StartWorkerAsync(services => services.AddSingleton<WorkerInspection>(sp => async (request, options, ct) =>
            {
                Interlocked.Increment(ref inspections);
                await Task.Delay(TimeSpan.FromSeconds(5), ct);
                return await sp.GetRequiredService<Inspector>().InspectAsync(request, options, ct);
            }));
        }

        var result = Assert.Single(await harness.ResultsAsync(1, seconds: 60));
        Assert.Equal("pass", result.GetProperty("verdict").GetString());
        // Long enough for a second delivery to have started and finished its 5 s inspection.
        Assert.Empty(await harness.ResultsAsync(1, seconds: 8));
        Assert.Equal(1, Volatile.Read(ref inspections));
    }
}
