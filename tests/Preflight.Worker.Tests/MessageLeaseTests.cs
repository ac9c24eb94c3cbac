using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
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

    [Fact]
    public async Task Stop_WhileARenewalIsInFlight_WaitsForItsNewPopReceipt()
    {
        // A renewal the service applies (new pop receipt) but whose answer takes a while: stopping the lease then must
        // not cancel it, or the final delete would use the old receipt, fail, and the message would be processed again.
        var queue = new SlowRenewals(TimeSpan.FromMilliseconds(150));
        var message = QueuesModelFactory.QueueMessage("id", "receipt-0", "body", 1);
        var lease = MessageLease.Hold(queue, message, TimeSpan.FromSeconds(2));

        await queue.FirstCallStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await lease.DisposeAsync();

        Assert.Equal(1, queue.Calls);
        Assert.Equal("receipt-1", lease.PopReceipt);
    }

    /// <summary>A queue whose UpdateMessage answers after <paramref name="delay"/>, cancelled as an HTTP call would be.</summary>
    private sealed class SlowRenewals(TimeSpan delay) : QueueClient
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public TaskCompletionSource FirstCallStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task<Response<UpdateReceipt>> UpdateMessageAsync(string messageId, string popReceipt,
            string? messageText = null, TimeSpan visibilityTimeout = default, CancellationToken cancellationToken = default)
        {
            var call = Interlocked.Increment(ref _calls);
            FirstCallStarted.TrySetResult();
            await Task.Delay(delay, cancellationToken);
            return Response.FromValue(QueuesModelFactory.UpdateReceipt($"receipt-{call}", DateTimeOffset.UtcNow.Add(visibilityTimeout)), new EmptyResponse());
        }
    }

    private sealed class EmptyResponse : Response
    {
        public override int Status => 204;
        public override string ReasonPhrase => "No Content";
        public override Stream? ContentStream { get; set; }
        public override string ClientRequestId { get; set; } = "";
        public override void Dispose() { }
        protected override bool ContainsHeader(string name) => false;
        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];
        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) { value = null; return false; }
        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values) { values = null; return false; }
    }
}
