using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Preflight.Worker;

/// <summary>
/// Keeps a received message invisible while it is being processed. Without it, a file that takes longer than the
/// visibility timeout (a 100 MB deep check, a slow or busy machine) reappears and a second worker inspects the same
/// bytes again. Every renewal returns a new pop receipt; whoever deletes or updates the message afterwards must use
/// <see cref="PopReceipt"/>, after <see cref="StopAsync"/>.
/// </summary>
internal sealed class MessageLease : IAsyncDisposable
{
    private readonly QueueClient _queue;
    private readonly string _messageId;
    private readonly TimeSpan _visibility;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewals;
    private string _popReceipt;

    private MessageLease(QueueClient queue, QueueMessage message, TimeSpan visibility)
    {
        _queue = queue;
        _messageId = message.MessageId;
        _popReceipt = message.PopReceipt;
        _visibility = visibility;
        _renewals = RenewAsync(_stop.Token);
    }

    /// <summary>The pop receipt of the latest renewal (the message's own one before the first).</summary>
    public string PopReceipt => Volatile.Read(ref _popReceipt);

    /// <summary>How many times the invisibility was extended.</summary>
    public int Renewals { get; private set; }

    /// <summary>Renews at half the visibility timeout, so one slow or failed call still leaves time for the next.</summary>
    public static MessageLease Hold(QueueClient queue, QueueMessage message, TimeSpan visibility) => new(queue, message, visibility);

    /// <summary>Stops renewing and waits for a renewal in progress, so <see cref="PopReceipt"/> is final.</summary>
    public async Task StopAsync()
    {
        if (!_stop.IsCancellationRequested) await _stop.CancelAsync();
        try
        {
            await _renewals;
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RenewAsync(CancellationToken stop)
    {
        var period = _visibility / 2;
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(period, stop);
            try
            {
                // Not cancelled by StopAsync: a renewal the service has already applied gave the message a new pop
                // receipt, and dropping the answer would leave the final delete with a stale one (the message would
                // come back and be processed twice). Bounded instead: past the visibility timeout it is moot anyway.
                using var bound = new CancellationTokenSource(_visibility);
                var renewed = await _queue.UpdateMessageAsync(_messageId, PopReceipt, visibilityTimeout: _visibility, cancellationToken: bound.Token);
                Volatile.Write(ref _popReceipt, renewed.Value.PopReceipt);
                Renewals++;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 400)
            {
                // The message is gone or its receipt is stale (it became visible and someone else took it): nothing
                // left to hold. The final delete will fail the same way and the message is processed where it is now.
                return;
            }
            catch (Exception e) when (e is RequestFailedException or AggregateException or IOException)
            {
                // Storage hiccup: try again at the next period, while the current invisibility still runs.
            }
        }
    }
}
