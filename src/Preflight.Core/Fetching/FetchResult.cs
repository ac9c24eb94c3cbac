using Preflight.Core.Ingest;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Fetching;

/// <summary>What fetching one URL gave: a private file to inspect, or findings saying why there is none.</summary>
/// <param name="FilePath">A file under the target directory with a generated name; null when the fetch failed (nothing is left behind).</param>
/// <param name="BytesWritten">Bytes in <paramref name="FilePath"/> (0 on failure).</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the body, computed while streaming; null on failure.</param>
/// <param name="Source">What the server said: the report's <c>source</c> object.</param>
public sealed record FetchResult(
    string? FilePath,
    long BytesWritten,
    string? Sha256,
    UrlSource Source,
    IReadOnlyList<Finding> Findings)
{
    /// <summary>What the body's bytes are, sniffed once while it was received; null on failure.</summary>
    public SniffResult? Sniff { get; init; }

    /// <summary>The received body (hash, size, sniff), for the inspection entry point; null on failure.</summary>
    public IngestedFile? Ingested { get; init; }

    /// <summary>
    /// False when only parts of the body were fetched (range probing): the file is sparse, as long as the whole body,
    /// holding exactly the bytes the quick check reads; <see cref="Sha256"/> and <see cref="Ingested"/> are null.
    /// </summary>
    public bool Complete { get; init; } = true;

    /// <summary>
    /// True when reading stopped because the first bytes already decide the verdict (<see cref="VerdictFromHead"/>):
    /// there is no file, <see cref="Sniff"/> is what the body is and the source's <c>contentLength</c> its size.
    /// </summary>
    public bool DecidedByHead { get; init; }

    public bool Succeeded => FilePath is not null && !Findings.Any(f => f.Severity == Severity.Error);
}

/// <summary>
/// Asked once what a body's first bytes are is certain (and what the server said so far): true when that alone
/// decides the verdict, so the rest is not worth downloading.
/// </summary>
public delegate bool VerdictFromHead(SniffResult sniff, UrlSource source);
