using Preflight.Core.Reports;

namespace Preflight.Core.Inspection;

/// <summary>
/// Where verdicts are shared between instances (the services' storage account). Implementations never throw for an
/// unreachable store: a cache that cannot answer is a miss.
/// </summary>
public interface IVerdictStore
{
    /// <summary>The stored report for <paramref name="key"/>, or null (none, expired, unreadable, store down).</summary>
    Task<FileReport?> TryGetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Stores a report once; an existing live entry is kept (first writer wins).</summary>
    Task PutAsync(string key, FileReport report, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the right to inspect <paramref name="key"/>: null while another instance holds a live claim. Disposing
    /// the claim releases it. A store that cannot coordinate returns a claim that holds nothing.
    /// </summary>
    Task<IAsyncDisposable?> TryClaimAsync(string key, CancellationToken cancellationToken);
}

/// <summary>How long an instance waits for another one's inspection of the same content before doing it itself.</summary>
public sealed record VerdictWait(TimeSpan MaxWait, TimeSpan PollInterval);

/// <summary>
/// An inspection that asks the shared verdict store first, so N instances inspect each content once: a hit is
/// answered at once (<c>"cached": true</c>); on a miss one instance claims the key, inspects and stores the report
/// while the others wait for it. Reports that say something about the run (timeouts, unreadable) are never stored.
/// </summary>
public sealed class CachedInspection(IVerdictStore store, VerdictWait wait, TimeProvider time)
{
    public async Task<FileReport> InspectAsync(
        InspectionRequest request, InspectionOptions options,
        Func<InspectionRequest, InspectionOptions, CancellationToken, Task<FileReport>> inspect,
        CancellationToken cancellationToken)
    {
        var sha256 = request.Sha256 ?? await Hashing.Sha256FileAsync(request.FilePath, cancellationToken);
        request = request with { Sha256 = sha256 };
        var fileName = Path.GetFileName(request.DisplayPath.Replace('\\', '/').TrimEnd('/'));
        var key = VerdictKey.For(sha256, fileName, request.DeclaredKind, options);
        var started = time.GetTimestamp();

        while (true)
        {
            if (await store.TryGetAsync(key, cancellationToken) is { } hit)
                return hit with { Path = request.DisplayPath, Cached = true };

            var claim = await store.TryClaimAsync(key, cancellationToken);
            if (claim is not null)
            {
                await using (claim)
                {
                    // Another instance may have finished between our read and our claim.
                    if (await store.TryGetAsync(key, cancellationToken) is { } late)
                        return late with { Path = request.DisplayPath, Cached = true };
                    var report = await inspect(request, options, cancellationToken);
                    if (VerdictKey.IsCacheable(report) && report.Sha256 == sha256)
                        await store.PutAsync(key, report with { Cached = null }, cancellationToken);
                    return report;
                }
            }

            // Someone else is inspecting these bytes: wait for their verdict, but not forever (they may have died).
            if (time.GetElapsedTime(started) >= wait.MaxWait) return await inspect(request, options, cancellationToken);
            await Task.Delay(wait.PollInterval, time, cancellationToken);
        }
    }
}
