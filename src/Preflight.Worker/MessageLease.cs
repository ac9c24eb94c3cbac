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
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(50);

    private readonly QueueClient _queue;
    private readonly string _messageId;
    private readonly TimeSpan _visibility;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewals;
    private string _popReceipt;
    private volatile bool _lost;

    private MessageLease(QueueClient queue, QueueMessage message, TimeSpan visibility, TimeProvider time)
    {
        _queue = queue;
        _messageId = message.MessageId;
        _popReceipt = message.PopReceipt;
        _visibility = visibility;
        _time = time;
        _renewals = RenewAsync(_stop.Token);
    }

    /// <summary>The pop receipt of the latest renewal (the message's own one before the first).</summary>
    public string PopReceipt => Volatile.Read(ref _popReceipt);

    /// <summary>How many times the invisibility was extended.</summary>
    public int Renewals { get; private set; }

    /// <summary>
    /// True once the service said the message is gone or the receipt stale: it became visible and another consumer
    /// has it (or it was deleted). Whatever this holder does with it now would be done twice.
    /// </summary>
    public bool Lost => _lost;

    /// <summary>
    /// Renews when half of the time the message is surely hidden is left: every visibility/2 while renewals succeed,
    /// sooner after one fails, so a slow or failed call still leaves time for another before the message reappears.
    /// </summary>
    public static MessageLease Hold(QueueClient queue, QueueMessage message, TimeSpan visibility, TimeProvider? time = null) =>
        new(queue, message, visibility, time ?? TimeProvider.System);

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
        // Counted from now, not from when the message was received: a little later than the truth, which the halving
        // below leaves room for.
        var hiddenUntil = _time.GetUtcNow() + _visibility;
        while (!stop.IsCancellationRequested)
        {
            var left = hiddenUntil - _time.GetUtcNow();
            var wait = left > TimeSpan.Zero ? left / 2 : _visibility / 2;
            await Task.Delay(wait > MinimumWait ? wait : MinimumWait, _time, stop);
            var sent = _time.GetUtcNow();
            try
            {
                // Not cancelled by StopAsync: a renewal the service has already applied gave the message a new pop
                // receipt, and dropping the answer would leave the final delete with a stale one (the message would
                // come back and be processed twice). Bounded instead: past the visibility timeout it is moot anyway.
                using var bound = new CancellationTokenSource(_visibility, _time);
                var renewed = await _queue.UpdateMessageAsync(_messageId, PopReceipt, visibilityTimeout: _visibility, cancellationToken: bound.Token);
                Volatile.Write(ref _popReceipt, renewed.Value.PopReceipt);
                hiddenUntil = sent + _visibility;
                Renewals++;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 400)
            {
                // The message is gone or its receipt is stale (it became visible and someone else took it): nothing
                // left to hold. The message is processed where it is now.
                _lost = true;
                return;
            }
            catch (Exception e) when (e is RequestFailedException or AggregateException or IOException or OperationCanceledException)
            {
                // Storage hiccup or a call that outlived its bound: try again when half of the hidden time is left.
            }
        }
    }
}
