using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Preflight.Worker;

/// <summary>
/// The worker's part of <c>/healthz</c>: always healthy (storage outages are retried, not fatal), with its counters as data,
/// so whichever host runs the worker shows them without knowing its types.
/// </summary>
internal sealed class WorkerHealthCheck(WorkerMetrics metrics) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy(data: metrics.Counters()));
}
