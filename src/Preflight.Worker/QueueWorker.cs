using System.Text;
using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Preflight.Core.Probing;
using Preflight.Core.Reports;

namespace Preflight.Worker;

/// <summary>
/// The upload-pipeline stage: competing consumers on an Azure Storage queue. A message is deleted only
/// after its result is sent; a crash before that makes it reappear after the visibility timeout.
/// On shutdown it stops receiving, finishes what it holds, and hands back (visibility 0) what it cannot finish.
/// </summary>
public sealed partial class QueueWorker(
    WorkerOptions options,
    QueueServiceClient queues,
    BlobPreflightStage stage,
    WorkerMetrics metrics,
    ILogger<QueueWorker> logger) : BackgroundService
{
    private readonly QueueClient _requests = queues.GetQueueClient(options.RequestQueue);
    private readonly QueueClient _results = queues.GetQueueClient(options.ResultQueue);
    private readonly QueueClient _poison = queues.GetQueueClient(options.PoisonQueue);
    private readonly CancellationTokenSource _abandon = new();

    private readonly CancellationTokenSource _receiving = new();

    /// <summary>How long a stop past the host's shutdown timeout still waits for messages being handed back.</summary>
    internal static readonly TimeSpan HandBackGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a receive in flight when the worker stops may still finish. Cancelled at once, a receive the service
    /// had already answered would leave its message hidden for a whole visibility timeout with nobody holding it;
    /// finished, the message is handed back at once.
    /// </summary>
    internal static readonly TimeSpan ReceiveGrace = TimeSpan.FromSeconds(2);

    // Result and poison messages: the report shape, described at build time.
    private static readonly JsonSerializerOptions MessageJson = PreflightJson.With(PreflightJson.Compact, WorkerJsonContext.Default);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await CreateQueuesAsync(stoppingToken)) return;
        await using var stopReceiving = stoppingToken.Register(() => _receiving.CancelAfter(ReceiveGrace));
        LogStarted(logger, options.RequestQueue, options.Concurrency);
        var consumers = Enumerable.Range(0, options.Concurrency).Select(_ => ConsumeAsync(stoppingToken));
        await Task.WhenAll([.. consumers, ReportMetricsAsync(stoppingToken)]);
        LogStopped(logger, metrics.Processed, metrics.Poison);
    }

    /// <summary>
    /// Storage may be down when the worker starts; a host (the HTTP service too) must not stop because of it.
    /// Retries until the queues exist or the host stops; false when it stopped first.
    /// </summary>
    private async Task<bool> CreateQueuesAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.WhenAll(
                    _requests.CreateIfNotExistsAsync(cancellationToken: stoppingToken),
                    _results.CreateIfNotExistsAsync(cancellationToken: stoppingToken),
                    _poison.CreateIfNotExistsAsync(cancellationToken: stoppingToken));
                return true;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogStorageUnavailable(logger, StorageFailure(e));
                await DelayAsync(options.RetryDelay > options.PollInterval ? options.RetryDelay : options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return false;
            }
        }
        return false;
    }

    /// <summary>
    /// What the Azure SDK throws when storage cannot be reached: one RequestFailedException, or — once its retries
    /// are used up on transport errors — an AggregateException of them.
    /// </summary>
    private static bool IsStorageFailure(Exception e) =>
        e is RequestFailedException || (e is AggregateException aggregate && aggregate.InnerExceptions.All(i => i is RequestFailedException or IOException or OperationCanceledException));

    private static string StorageFailure(Exception e) => e switch
    {
        RequestFailedException { Status: > 0 } r => $"storage error {r.Status} {r.ErrorCode}",
        AggregateException a when a.InnerExceptions.Count > 0 => "storage unreachable: " + a.InnerExceptions[^1].Message,
        _ => "storage unreachable: " + e.Message,
    };

    /// <summary>A standalone worker has no /healthz: its counters go to the log, once a minute while there is traffic.</summary>
    private async Task ReportMetricsAsync(CancellationToken stoppingToken)
    {
        var last = -1L;
        while (!stoppingToken.IsCancellationRequested)
        {
            await DelayAsync(options.MetricsInterval, stoppingToken);
            var seen = metrics.Processed + metrics.Poison + metrics.Retried;
            if (seen == last) continue;
            last = seen;
            LogMetrics(logger, metrics.Processed, metrics.Passed, metrics.Failed, metrics.Poison, metrics.Retried, metrics.InFlight);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // When the host's shutdown timeout runs out, abandon in-flight messages instead of being killed holding them.
        await using var registration = cancellationToken.Register(() => _abandon.Cancel());
        await base.StopAsync(cancellationToken);
        // The base returns as soon as that timeout runs out, while consumers are still handing messages back or
        // deleting finished ones; the process would exit before those calls and leave the messages hidden for the
        // whole visibility timeout (or answered twice). They take milliseconds: wait for them, within bounds.
        if (ExecuteTask is { IsCompleted: false } running)
            await running.WaitAsync(HandBackGrace).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }


    private async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            QueueMessage? message;
            try
            {
                var received = await _requests.ReceiveMessagesAsync(1, options.VisibilityTimeout, _receiving.Token);
                message = received.Value.FirstOrDefault();
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Storage down or slow (the SDK's own timeouts surface as cancellations): poll again later.
                LogStorageUnavailable(logger, StorageFailure(e));
                await DelayAsync(options.PollInterval, stoppingToken);
                continue;
            }

            if (message is null)
            {
                await DelayAsync(options.PollInterval, stoppingToken);
                continue;
            }
            if (stoppingToken.IsCancellationRequested)
            {
                // Received as the worker stops: not started, so handed straight back.
                await AbandonAsync(message, message.PopReceipt);
                return;
            }

            metrics.Started();
            try
            {
                await HandleAsync(message, _abandon.Token);
            }
            catch (Exception e)
            {
                // Even poisoning failed (storage gone, message too large): the message comes back after its
                // visibility timeout. One message never stops the worker.
                LogUnhandled(logger, message.MessageId, e);
            }
            finally
            {
                metrics.Ended();
            }
        }
    }

    /// <summary>Processes one message; never throws except for abandonment on shutdown.</summary>
    internal async Task HandleAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        if (message.DequeueCount > options.MaxDequeueCount)
        {
            await PoisonAsync(message, $"delivered {message.DequeueCount} times (max {options.MaxDequeueCount}) without completing");
            return;
        }

        // Held until the result is sent: a slow file must not reappear and be inspected by a second worker.
        await using var lease = MessageLease.Hold(_requests, message, options.VisibilityTimeout);
        string? failure;
        try
        {
            var request = WorkRequestParser.Parse(message.MessageText, out var parseError);
            if (request is null)
            {
                failure = parseError;
            }
            else
            {
                var result = await stage.ProcessAsync(request, cancellationToken);
                // The work is done: from here on, shutdown no longer abandons it. Sending the result and deleting the
                // message take milliseconds (bounded by the SDK's own timeouts); a result sent and then abandoned
                // would be sent a second time by the worker that takes the message next.
                if (result is null)
                {
                    await lease.StopAsync();
                    await CompleteAsync(message, lease.PopReceipt);
                    metrics.WasIgnored();
                    LogIgnored(logger, message.MessageId);
                    return;
                }
                if (lease.Lost)
                {
                    // Another consumer has had the message since its invisibility ran out: its result will be the one.
                    LogLeaseLost(logger, message.MessageId);
                    return;
                }
                await _results.SendMessageAsync(JsonSerializer.Serialize(result, MessageJson.Info<WorkResult>()), CancellationToken.None);
                await lease.StopAsync();
                await CompleteAsync(message, lease.PopReceipt);
                metrics.Completed(result.Verdict == Verdict.Pass);
                LogProcessed(logger, message.MessageId, result.Verdict, result.Findings.Count);
                return;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await lease.StopAsync();
            await AbandonAsync(message, lease.PopReceipt);
            return;
        }
        catch (OperationCanceledException)
        {
            // Not shutdown: a storage or network call gave up after its own timeout.
            failure = "a storage or network call timed out";
        }
        catch (MissingToolException e)
        {
            failure = e.Message;
        }
        catch (WorkFailedException e)
        {
            failure = e.Message;
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            failure = StorageFailure(e);
        }
        catch (IOException e)
        {
            failure = $"I/O error: {e.Message}";
        }
        catch (Exception e)
        {
            // A bug or an input nobody foresaw: retried, then poisoned with the reason, like any other failure.
            LogUnhandled(logger, message.MessageId, e);
            failure = $"unexpected error: {e.GetType().Name}: {e.Message}";
        }

        await lease.StopAsync();
        if (lease.Lost)
        {
            // Another consumer has it now; retrying or poisoning it from here would do that work twice.
            LogLeaseLost(logger, message.MessageId);
            return;
        }
        if (message.DequeueCount >= options.MaxDequeueCount)
        {
            await PoisonAsync(message, failure ?? "unknown failure", lease.PopReceipt);
            return;
        }

        metrics.WillRetry();
        LogRetry(logger, message.MessageId, message.DequeueCount, failure);
        try
        {
            // Come back sooner than the full visibility timeout.
            await _requests.UpdateMessageAsync(message.MessageId, lease.PopReceipt, visibilityTimeout: options.RetryDelay);
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            // Lost the message (visibility expired, someone else has it): it will come back on its own.
        }
    }

    private async Task PoisonAsync(QueueMessage message, string reason, string? popReceipt = null)
    {
        await _poison.SendMessageAsync(PoisonText(new PoisonMessage(reason, message.DequeueCount, message.MessageId, DateTimeOffset.UtcNow, message.MessageText)));
        try
        {
            await _requests.DeleteMessageAsync(message.MessageId, popReceipt ?? message.PopReceipt);
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
        }
        metrics.Poisoned();
        LogPoisoned(logger, message.MessageId, reason);
    }

    /// <summary>
    /// Deletes a message whose result is sent (or that needs none). A failure here is not a failure of the work: at
    /// worst the message comes back and is answered again, which is better than retrying or poisoning it now.
    /// </summary>
    private async Task CompleteAsync(QueueMessage message, string popReceipt)
    {
        try
        {
            await _requests.DeleteMessageAsync(message.MessageId, popReceipt, CancellationToken.None);
        }
        catch (Exception e) when (IsStorageFailure(e) || e is IOException or OperationCanceledException)
        {
            LogDeleteFailed(logger, message.MessageId, StorageFailure(e));
        }
    }

    /// <summary>
    /// The poison entry as JSON, its copy of the original shortened when escaping it (quotes, control characters) would
    /// take the entry past what a queue message may hold: a poison entry that cannot be written would leave the
    /// message coming back forever.
    /// </summary>
    internal static string PoisonText(PoisonMessage poison)
    {
        var json = JsonSerializer.Serialize(poison, MessageJson.Info<PoisonMessage>());
        var keep = poison.OriginalMessage.Length;
        while (Encoding.UTF8.GetByteCount(json) > MaxPoisonBytes && keep > 0)
        {
            keep = (int)(keep * (long)MaxPoisonBytes / Encoding.UTF8.GetByteCount(json) * 9 / 10);
            if (keep > 0 && char.IsHighSurrogate(poison.OriginalMessage[keep - 1])) keep--;
            json = JsonSerializer.Serialize(poison with { OriginalMessage = poison.OriginalMessage[..keep], OriginalMessageTruncated = true }, MessageJson.Info<PoisonMessage>());
        }
        return json;
    }

    /// <summary>Well under the 64 KiB a queue message may hold, for the service's own encoding of it.</summary>
    internal const int MaxPoisonBytes = 48 * 1024;

    private async Task AbandonAsync(QueueMessage message, string popReceipt)
    {
        try
        {
            await _requests.UpdateMessageAsync(message.MessageId, popReceipt, visibilityTimeout: TimeSpan.Zero);
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            // It comes back after its visibility timeout instead.
        }
        LogAbandoned(logger, message.MessageId);
    }

    private static async Task DelayAsync(TimeSpan delay, CancellationToken token)
    {
        try { await Task.Delay(delay, token); } catch (OperationCanceledException) { }
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        _receiving.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Preflight worker reading queue {Queue} with {Concurrency} consumers")]
    private static partial void LogStarted(ILogger logger, string queue, int concurrency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Preflight worker stopped: {Processed} processed, {Poison} poisoned")]
    private static partial void LogStopped(ILogger logger, long processed, long poison);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId}: {Verdict} ({Findings} findings)")]
    private static partial void LogProcessed(ILogger logger, string messageId, Verdict verdict, int findings);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} failed on delivery {DequeueCount}, will retry: {Reason}")]
    private static partial void LogRetry(ILogger logger, string messageId, long dequeueCount, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} moved to the poison queue: {Reason}")]
    private static partial void LogPoisoned(ILogger logger, string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Message {MessageId} ignored: it names a blob this stage wrote (rejected or staged container)")]
    private static partial void LogIgnored(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId}: its invisibility ran out and another consumer has it; this one's outcome is dropped")]
    private static partial void LogLeaseLost(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId}: result sent but the message could not be deleted ({Reason}); it may be answered again")]
    private static partial void LogDeleteFailed(ILogger logger, string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} abandoned on shutdown; it becomes visible again now")]
    private static partial void LogAbandoned(ILogger logger, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker metrics: processed={Processed} passed={Passed} failed={Failed} poison={Poison} retried={Retried} inFlight={InFlight}")]
    private static partial void LogMetrics(ILogger logger, long processed, long passed, long failed, long poison, long retried, long inFlight);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue storage not usable, will retry: {Reason}")]
    private static partial void LogStorageUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId}: unexpected failure")]
    private static partial void LogUnhandled(ILogger logger, string messageId, Exception exception);
}
