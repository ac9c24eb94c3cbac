namespace Preflight.Core.Previews;

/// <summary>Bounds of <see cref="PreviewStore"/> (configuration section <c>Preflight:Previews</c>).</summary>
public sealed record PreviewStoreOptions
{
    public const string Section = "Preflight:Previews";

    /// <summary>How long a preview is served after the file was inspected.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Previews kept at most; the oldest go first.</summary>
    public int MaxCount { get; set; } = 500;

    /// <summary>Bytes of previews kept at most; the oldest go first.</summary>
    public long MaxBytes { get; set; } = 32L * 1024 * 1024;
}

/// <summary>
/// The previews of files the service inspected, by the file's SHA-256, in memory: bounded in time, count and
/// bytes, the oldest evicted first. Content-addressed, so two users with the same file share one entry.
/// </summary>
public sealed class PreviewStore(PreviewStoreOptions options, TimeProvider time)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (Preview Preview, DateTimeOffset Expires)> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _order = new(); // oldest first
    private long _bytes;

    public int Count { get { lock (_gate) return _entries.Count; } }

    public long Bytes { get { lock (_gate) return _bytes; } }

    public void Put(string sha256, Preview preview)
    {
        var key = sha256.ToLowerInvariant();
        if (preview.Bytes.Length > options.MaxBytes || options.MaxCount < 1) return;
        lock (_gate)
        {
            RemoveLocked(key);
            _entries[key] = (preview, time.GetUtcNow() + options.Ttl);
            _order.AddLast(key);
            _bytes += preview.Bytes.Length;
            while (_entries.Count > options.MaxCount || _bytes > options.MaxBytes)
                RemoveLocked(_order.First!.Value);
        }
    }

    public Preview? Get(string sha256)
    {
        var key = sha256.ToLowerInvariant();
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var entry)) return null;
            if (entry.Expires > time.GetUtcNow()) return entry.Preview;
            RemoveLocked(key);
            return null;
        }
    }

    private void RemoveLocked(string key)
    {
        if (!_entries.Remove(key, out var entry)) return;
        _order.Remove(key);
        _bytes -= entry.Preview.Bytes.Length;
    }
}
