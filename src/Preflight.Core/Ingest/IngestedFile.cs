using Preflight.Core.Sniffing;

namespace Preflight.Core.Ingest;

/// <summary>Why <see cref="Ingestor.ReceiveAsync"/> stopped reading before the end of the body.</summary>
public enum IngestStop
{
    /// <summary>The whole body was read (and hashed); up to the cap of it is on disk.</summary>
    None,

    /// <summary>The body passed the cap and <see cref="IngestLimits.StopPastCap"/> was set: nothing is kept.</summary>
    PastCap,

    /// <summary><see cref="IngestLimits.RejectHead"/> refused the first bytes: nothing is kept.</summary>
    HeadRejected,

    /// <summary>
    /// <see cref="IngestLimits.DecidedByHead"/> said the first bytes decide the verdict and
    /// <see cref="IngestLimits.StopWhenDecided"/> was set: nothing is kept, <see cref="IngestedFile.Sniff"/> says what they are.
    /// </summary>
    HeadDecided,
}

/// <summary>How much of a body is kept, and when to stop reading it.</summary>
/// <param name="CapBytes">Bytes kept on disk at most (the kind's size limit).</param>
/// <param name="StopPastCap">
/// Stop at the first byte past the cap (a URL may stream forever). When false the rest is still read, counted and
/// hashed but not stored, so an oversize file gets its real size and SHA-256.
/// </param>
public sealed record IngestLimits(long CapBytes, bool StopPastCap = false)
{
    /// <summary>How many first bytes <see cref="RejectHead"/> sees (fewer when the body is shorter).</summary>
    public int HeadBytes { get; init; } = 1024;

    /// <summary>Called once with the first <see cref="HeadBytes"/> bytes; true stops reading (e.g. an HTML page).</summary>
    public Func<ReadOnlyMemory<byte>, bool>? RejectHead { get; init; }

    /// <summary>
    /// Called once with what the first bytes are, as soon as no later byte can change that (see <see cref="HeadSniff"/>);
    /// true = those bytes alone decide the verdict, so the rest is not stored: it is still read, counted and hashed
    /// (<see cref="IngestedFile.HeadOnly"/>), or with <see cref="StopWhenDecided"/> not read at all.
    /// </summary>
    public Func<SniffResult, bool>? DecidedByHead { get; init; }

    /// <summary>Stop reading once <see cref="DecidedByHead"/> said yes (a URL: nothing more is worth downloading).</summary>
    public bool StopWhenDecided { get; init; }

    /// <summary>The body's length when the source announces it (Content-Length): the head's sniff is certain sooner.</summary>
    public long? KnownLength { get; init; }
}

/// <summary>A body received once: where it is, its real size, its SHA-256 and what its bytes are.</summary>
/// <param name="FilePath">Private file under a generated name; holds <paramref name="StoredBytes"/> bytes. Deleted when <paramref name="Stop"/> is not None.</param>
/// <param name="Bytes">Every byte the source delivered (all of them hashed), or as far as reading went when stopped.</param>
/// <param name="Sha256">Lower-case hex of all <paramref name="Bytes"/>; null when reading stopped early.</param>
/// <param name="Sniff">What the stored bytes are (from their head); null when reading stopped early, except <see cref="IngestStop.HeadDecided"/>.</param>
public sealed record IngestedFile(string FilePath, long Bytes, long StoredBytes, string? Sha256, SniffResult? Sniff, IngestStop Stop = IngestStop.None)
{
    private readonly bool? _pastCap;

    /// <summary>The body went past the cap: what is on disk is only its beginning (or, with <see cref="HeadOnly"/>, its head).</summary>
    public bool Truncated
    {
        get => _pastCap ?? Bytes > StoredBytes;
        init => _pastCap = value;
    }

    /// <summary>
    /// The first bytes decided the verdict (<see cref="IngestLimits.DecidedByHead"/>): only they are on disk, while
    /// <see cref="Bytes"/> and <see cref="Sha256"/> are the whole body's and <see cref="Sniff"/> is what the whole body sniffs as.
    /// </summary>
    public bool HeadOnly { get; init; }
}

/// <summary>Writing the received bytes to local disk failed: a problem of this machine, never of the source.</summary>
public sealed class LocalDiskException(string path, Exception inner)
    : IOException($"Could not write the received file to '{path}': {inner.Message}", inner);
