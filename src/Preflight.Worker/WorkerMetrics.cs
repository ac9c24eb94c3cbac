namespace Preflight.Worker;

/// <summary>Counters of the stage, for /healthz and the periodic log line.</summary>
public sealed class WorkerMetrics
{
    private long _processed;
    private long _passed;
    private long _failed;
    private long _poison;
    private long _retried;
    private long _inFlight;
    private long _ignored;

    public long Processed => Interlocked.Read(ref _processed);
    public long Passed => Interlocked.Read(ref _passed);
    public long Failed => Interlocked.Read(ref _failed);
    public long Poison => Interlocked.Read(ref _poison);
    public long Retried => Interlocked.Read(ref _retried);
    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Requests for the stage's own outputs (rejected or staged blobs), dropped without processing.</summary>
    public long Ignored => Interlocked.Read(ref _ignored);

    internal void Started() => Interlocked.Increment(ref _inFlight);
    internal void Ended() => Interlocked.Decrement(ref _inFlight);
    internal void Completed(bool passed)
    {
        Interlocked.Increment(ref _processed);
        Interlocked.Increment(ref passed ? ref _passed : ref _failed);
    }
    internal void Poisoned() => Interlocked.Increment(ref _poison);
    internal void WillRetry() => Interlocked.Increment(ref _retried);
    internal void WasIgnored() => Interlocked.Increment(ref _ignored);

    /// <summary>The counters by their <c>/healthz</c> names, in the documented order.</summary>
    public IReadOnlyDictionary<string, object> Counters() => new Dictionary<string, object>
    {
        ["processed"] = Processed,
        ["passed"] = Passed,
        ["failed"] = Failed,
        ["poison"] = Poison,
        ["retried"] = Retried,
        ["inFlight"] = InFlight,
        ["ignored"] = Ignored,
    };
}
