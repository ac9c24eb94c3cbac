using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Preflight.Core.Reports;
using Preflight.Hosting;
using Preflight.Staging;

namespace Preflight.Api.Endpoints;

/// <summary>
/// Whether the service can do its whole job. <c>degraded</c>: quick checks work, but ffprobe-backed ones or staging do not.
/// <paramref name="Worker"/> is present only when the queue worker runs inside the service.
/// </summary>
public sealed record HealthResponse(
    string Status, string Version, ToolHealth Ffprobe, ToolHealth Ffmpeg, string? Problem, StoreHealth Staging, object? Worker = null);

public sealed record ToolHealth(bool Usable, string? Version);

/// <summary>
/// <c>GET /healthz</c>: answers 200 while the process serves; the body says what works. Built on the registered
/// health checks, so whatever the host composes (the queue worker too) reports itself without this face knowing it.
/// </summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", GetHealthAsync)
            .WithName("GetHealth")
            .WithTags("Health")
            .WithSummary("Service health: ffprobe/ffmpeg, the staging store and, when hosted here, the queue worker's counters");
        return app;
    }

    private static async Task<Ok<HealthResponse>> GetHealthAsync(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        var ffprobe = report.Entries[HealthCheckNames.Ffprobe];
        var ffmpeg = report.Entries[HealthCheckNames.Ffmpeg];
        var staging = report.Entries[HealthCheckNames.Staging];
        return TypedResults.Ok(new HealthResponse(
            report.Status == HealthStatus.Healthy ? "ok" : "degraded",
            ToolInfo.Current.Version,
            Tool(ffprobe),
            Tool(ffmpeg),
            ffprobe.Description ?? ffmpeg.Description,
            new StoreHealth(
                (string)staging.Data[HealthCheckNames.StoreKey], staging.Status == HealthStatus.Healthy, (string)staging.Data[HealthCheckNames.DetailKey]),
            // Present only when a host registered the queue worker (its check's data are its counters).
            report.Entries.TryGetValue(HealthCheckNames.Worker, out var worker) ? worker.Data : null));
    }

    private static ToolHealth Tool(HealthReportEntry entry) =>
        new(entry.Status == HealthStatus.Healthy, entry.Data.TryGetValue(HealthCheckNames.VersionKey, out var version) ? version as string : null);
}
