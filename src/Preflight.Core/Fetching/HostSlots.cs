namespace Preflight.Core.Fetching;

/// <summary>
/// A bound on concurrent fetches per host: one semaphore per host name while anyone uses it (removed when the last
/// user leaves, so a service that sees many hosts keeps only the busy ones).
/// </summary>
internal sealed class HostSlots(int perHost)
{
    private readonly Dictionary<string, Entry> _hosts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Hosts with a fetch running or waiting (for tests).</summary>
    internal int HostsInUse
    {
        get { lock (_hosts) return _hosts.Count; }
    }

    /// <summary>Waits for a slot of <paramref name="host"/>; disposing the answer gives it back.</summary>
    public async Task<IDisposable> EnterAsync(string host, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (_hosts)
        {
            if (!_hosts.TryGetValue(host, out entry!)) _hosts[host] = entry = new Entry(perHost);
            entry.Users++;
        }
        try
        {
            await entry.Semaphore.WaitAsync(cancellationToken);
        }
        catch
        {
            Leave(host, entry);
            throw;
        }
        return new Slot(this, host, entry);
    }

    private void Leave(string host, Entry entry)
    {
        lock (_hosts)
        {
            if (--entry.Users > 0) return;
            _hosts.Remove(host);
        }
        entry.Semaphore.Dispose();
    }

    private sealed class Entry(int perHost)
    {
        public SemaphoreSlim Semaphore { get; } = new(perHost, perHost);

        public int Users { get; set; }
    }

    private sealed class Slot(HostSlots owner, string host, Entry entry) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            entry.Semaphore.Release();
            owner.Leave(host, entry);
        }
    }
}
