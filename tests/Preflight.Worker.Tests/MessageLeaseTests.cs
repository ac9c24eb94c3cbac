using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Core;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
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
            ["Preflight:Worker:VisibilityTimeout"] = "00:00:03",
            ["Preflight:Worker:Concurrency"] = "2",
        });
        await harness.InitializeAsync();
        var url = await harness.UploadAsync("valid/image-160x90.png");
        await harness.SendRequestAsync(url, "slow");

        var inspections = 0;
        // Two workers compete for the queue, each with two consumers: without the lease the message reappears
        // after 3 s and another consumer inspects it again.
        for (var i = 0; i < 2; i++)
        {
            await harness.StartWorkerAsync(services => services.AddSingleton<WorkerInspection>(sp => async (request, options, ct) =>
            {
                Interlocked.Increment(ref inspections);
                await Task.Delay(TimeSpan.FromSeconds(7), ct);
                return await sp.GetRequiredService<Inspector>().InspectAsync(request, options, ct);
            }));
        }

        var result = Assert.Single(await harness.ResultsAsync(1, seconds: 60));
        Assert.Equal("pass", result.GetProperty("verdict").GetString());
        // Long enough for a second delivery to have started and finished its 7 s inspection.
        Assert.Empty(await harness.ResultsAsync(1, seconds: 9));
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Renewal_ThatFails_IsTriedAgainBeforeTheMessageReappears(bool timesOut)
    {
        // Visibility 2 s: the first renewal is due at 1 s. It fails (an error, or a call that outlived its bound) after
        // 0.6 s, at 1.6 s. Trying again a whole half-visibility later (2.6 s), or never, would leave the message
        // visible from 2 s for another consumer to take.
        var time = new ObservedTime(new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        var queue = new ScriptedRenewals(time, failFirstAfter: TimeSpan.FromMilliseconds(600), timesOut: timesOut);
        var lease = MessageLease.Hold(queue, QueuesModelFactory.QueueMessage("id", "receipt-0", "body", 1), TimeSpan.FromSeconds(2), time);

        await time.WaitForTimersAsync(1);
        time.Fake.Advance(TimeSpan.FromSeconds(1));
        // Timers so far: the first wait, the failed call's bound, the wait after the failure.
        await time.WaitForTimersAsync(3);
        time.Fake.Advance(TimeSpan.FromSeconds(2) - (time.GetUtcNow() - DateTimeOffset.UnixEpoch) - TimeSpan.FromMilliseconds(1));
        await queue.SecondCall.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await lease.DisposeAsync();

        var calls = queue.CallTimes.Select(t => (t - DateTimeOffset.UnixEpoch).TotalMilliseconds).ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal(1000, calls[0]);
        Assert.InRange(calls[1], 1600, 1999);
        Assert.Equal("receipt-2", lease.PopReceipt);
        Assert.False(lease.Lost);
    }

    [Fact]
    public async Task Renewal_AnsweredNotFound_MarksTheLeaseLostAndStops()
    {
        var time = new ObservedTime(new FakeTimeProvider(DateTimeOffset.UnixEpoch));
        var queue = new ScriptedRenewals(time, notFound: true);
        var lease = MessageLease.Hold(queue, QueuesModelFactory.QueueMessage("id", "receipt-0", "body", 1), TimeSpan.FromSeconds(2), time);

        await time.WaitForTimersAsync(1);
        time.Fake.Advance(TimeSpan.FromSeconds(1));
        await queue.FirstCall.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await lease.StopAsync();
        time.Fake.Advance(TimeSpan.FromSeconds(10));

        Assert.True(lease.Lost);
        Assert.Single(queue.CallTimes);
        Assert.Equal("receipt-0", lease.PopReceipt);
    }

    /// <summary>A fake clock that also says how many timers (waits, bounds) were created on it.</summary>
    private sealed class ObservedTime(FakeTimeProvider fake) : TimeProvider
    {
        private readonly SemaphoreSlim _created = new(0);
        private int _seen;

        public FakeTimeProvider Fake => fake;

        public override DateTimeOffset GetUtcNow() => fake.GetUtcNow();

        public override long GetTimestamp() => fake.GetTimestamp();

        public override long TimestampFrequency => fake.TimestampFrequency;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = fake.CreateTimer(callback, state, dueTime, period);
            _created.Release();
            return timer;
        }

        /// <summary>Waits until <paramref name="total"/> timers have been created since the start.</summary>
        public async Task WaitForTimersAsync(int total)
        {
            while (_seen < total)
            {
                Assert.True(await _created.WaitAsync(TimeSpan.FromSeconds(10)), $"timer {_seen + 1} was never created");
                _seen++;
            }
        }
    }

    /// <summary>
    /// UpdateMessage on a fake clock: the first call fails after <c>failFirstAfter</c> (moving the clock on, as a slow
    /// failing call would; a 503, or a cancellation when <c>timesOut</c>), or answers 404 when <c>notFound</c>; the
    /// others succeed at once.
    /// </summary>
    private sealed class ScriptedRenewals(ObservedTime time, TimeSpan? failFirstAfter = null, bool timesOut = false, bool notFound = false) : QueueClient
    {
        private readonly List<DateTimeOffset> _callTimes = [];

        public IReadOnlyList<DateTimeOffset> CallTimes { get { lock (_callTimes) return [.. _callTimes]; } }

        public TaskCompletionSource FirstCall { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource SecondCall { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Task<Response<UpdateReceipt>> UpdateMessageAsync(string messageId, string popReceipt,
            string? messageText = null, TimeSpan visibilityTimeout = default, CancellationToken cancellationToken = default)
        {
            int call;
            lock (_callTimes)
            {
                _callTimes.Add(time.GetUtcNow());
                call = _callTimes.Count;
            }
            try
            {
                if (call == 1 && notFound) throw new RequestFailedException(404, "The specified message does not exist.");
                if (call == 1 && failFirstAfter is { } slow)
                {
                    time.Fake.Advance(slow);
                    if (timesOut) throw new TaskCanceledException("The operation was cancelled (injected timeout).");
                    throw new RequestFailedException(503, "Server busy (injected)");
                }
                return Task.FromResult(Response.FromValue(QueuesModelFactory.UpdateReceipt($"receipt-{call}", time.GetUtcNow().Add(visibilityTimeout)), (Response)new EmptyResponse()));
            }
            finally
            {
                (call == 1 ? FirstCall : SecondCall).TrySetResult();
            }
        }
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
