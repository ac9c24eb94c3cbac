using Microsoft.AspNetCore.Http.HttpResults;
using Preflight.Api.Hosting;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.Staging;
using Preflight.Worker;

namespace Preflight.Api.Endpoints;

/// <summary>
/// Whether the service can do its whole job. <c>degraded</c>: quick checks work, but ffprobe-backed ones or staging do not.
/// <paramref name="Worker"/> is present only when the queue worker runs inside the service.
/// </summary>
public sealed record HealthResponse(
    string Status, string Version, ToolHealth Ffprobe, ToolHealth Ffmpeg, string? Problem, StoreHealth Staging, object? Worker = null);

public sealed record ToolHealth(bool Usable, string? Version);

/// <summary><c>GET /healthz</c>: answers 200 while the process serves; the body says what works.</summary>
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

    private static async Task<Ok<HealthResponse>> GetHealthAsync(
        ToolAvailabilityCache tools, StagingHealthCache staging, HttpContext context, CancellationToken cancellationToken)
    {
        var status = tools.Get();
        var store = await staging.GetAsync(cancellationToken);
        var healthy = status.FfprobeAvailable && status.FfmpegAvailable && store.Healthy;
        return TypedResults.Ok(new HealthResponse(
            healthy ? "ok" : "degraded",
            ToolInfo.Current.Version,
            new ToolHealth(status.FfprobeAvailable, status.FfprobeVersion),
            new ToolHealth(status.FfmpegAvailable, null),
            status.Problem,
            store,
            // Registered only when Preflight:Worker:Enabled is on.
            context.RequestServices.GetService<WorkerMetrics>()?.Snapshot()));
    }
}

/// <summary>Checking the tools starts processes: health probes every few seconds share one answer for a while.</summary>
internal sealed class ToolAvailabilityCache(MediaTools tools, TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private readonly Lock _lock = new();
    private (ToolStatus Status, DateTimeOffset At)? _last;

    public ToolStatus Get()
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (_last is { } last && now - last.At < Lifetime) return last.Status;
            var status = tools.CheckAvailability();
            _last = (status, now);
            return status;
        }
    }
}
