using Preflight.Core.Reports;

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
    public bool Succeeded => FilePath is not null && !Findings.Any(f => f.Severity == Severity.Error);
}
