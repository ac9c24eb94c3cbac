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

    public long Processed => Interlocked.Read(ref _processed);
    public long Passed => Interlocked.Read(ref _passed);
    public long Failed => Interlocked.Read(ref _failed);
    public long Poison => Interlocked.Read(ref _poison);
    public long Retried => Interlocked.Read(ref _retried);
    public long InFlight => Interlocked.Read(ref _inFlight);

    internal void Started() => Interlocked.Increment(ref _inFlight);
    internal void Ended() => Interlocked.Decrement(ref _inFlight);
    internal void Completed(bool passed)
    {
        Interlocked.Increment(ref _processed);
        Interlocked.Increment(ref passed ? ref _passed : ref _failed);
    }
    internal void Poisoned() => Interlocked.Increment(ref _poison);
    internal void WillRetry() => Interlocked.Increment(ref _retried);

    public object Snapshot() => new { processed = Processed, passed = Passed, failed = Failed, poison = Poison, retried = Retried, inFlight = InFlight };
}
