using Microsoft.Extensions.Options;

namespace Preflight.Hosting;

/// <summary>
/// Bounded concurrency for inspections. Admission happens when a request arrives (before its body is read),
/// so a burst beyond <c>MaxConcurrent + MaxQueue</c> is refused with 503 at once instead of piling up uploads on
/// disk; admitted requests then take one of <c>MaxConcurrent</c> slots per file they inspect.
/// </summary>
public sealed class InspectionGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private int _admitted;

    public InspectionGate(IOptions<InspectionQueueOptions> options)
    {
        MaxConcurrent = options.Value.MaxConcurrent;
        Capacity = options.Value.MaxConcurrent + options.Value.MaxQueue;
        _slots = new SemaphoreSlim(MaxConcurrent, MaxConcurrent);
    }

    public int MaxConcurrent { get; }

    public int Capacity { get; }

    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>A ticket for the whole request, or null when the queue is full. Dispose it when the request ends.</summary>
    public Admission? TryAdmit()
    {
        if (Interlocked.Increment(ref _admitted) > Capacity)
        {
            Interlocked.Decrement(ref _admitted);
            return null;
        }
        return new Admission(this);
    }

    /// <summary>Runs one file's inspection in a slot, waiting for one if all are busy.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            return await work(cancellationToken);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose() => _slots.Dispose();

    public sealed class Admission(InspectionGate gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) Interlocked.Decrement(ref gate._admitted);
        }
    }
}
