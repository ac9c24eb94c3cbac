using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Preflight.TestSupport;

namespace Preflight.Worker.Tests;

/// <summary>Storage that cannot be reached (down at start, gone mid-run) must never stop the worker's host.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StorageOutageTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Worker_StorageUnreachableAtStartAndWhileReceiving_HostKeepsRunningThenProcesses()
    {
        await using var harness = new WorkerHarness(azurite.ConnectionString);
        await harness.InitializeAsync();
        var url = await harness.UploadAsync("valid/image-160x90.png");
        await harness.SendRequestAsync(url, "after-outage");

        // Every request fails like a refused connection until 12 have failed; the SDK's retries are then used up
        // several times over, which it reports as an AggregateException, not a RequestFailedException.
        var outage = new OutagePolicy(failures: 12);
        var host = await harness.StartWorkerAsync(services =>
        {
            services.AddSingleton(new QueueServiceClient(azurite.ConnectionString, Options(new QueueClientOptions(), outage)));
            services.AddSingleton(new BlobServiceClient(azurite.ConnectionString, Options(new BlobClientOptions(), outage)));
        });

        var result = Assert.Single(await harness.ResultsAsync(1, seconds: 60));
        Assert.Equal("pass", result.GetProperty("verdict").GetString());
        Assert.Equal(12, outage.Failed);
        Assert.False(host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
    }

    private static T Options<T>(T options, HttpPipelinePolicy policy) where T : ClientOptions
    {
        options.Retry.MaxRetries = 1;
        options.Retry.Delay = TimeSpan.FromMilliseconds(10);
        options.AddPolicy(policy, HttpPipelinePosition.PerRetry);
        return options;
    }

    /// <summary>Throws what the transport throws for a refused connection, for the first N requests.</summary>
    private sealed class OutagePolicy(int failures) : HttpPipelinePolicy
    {
        private int _seen;

        public int Failed => Math.Min(Volatile.Read(ref _seen), failures);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Fail();
            ProcessNext(message, pipeline);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Fail();
            await ProcessNextAsync(message, pipeline);
        }

        private void Fail()
        {
            if (Interlocked.Increment(ref _seen) <= failures)
                throw new RequestFailedException("Connection refused (injected storage outage)");
        }
    }
}
