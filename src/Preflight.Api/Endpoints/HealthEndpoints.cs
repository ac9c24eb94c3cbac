using Microsoft.AspNetCore.Http.HttpResults;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;

namespace Preflight.Api.Endpoints;

/// <summary>Whether the service can do its whole job. <c>degraded</c>: quick checks work, ffprobe-backed ones do not.</summary>
public sealed record HealthResponse(string Status, string Version, ToolHealth Ffprobe, ToolHealth Ffmpeg, string? Problem);

public sealed record ToolHealth(bool Usable, string? Version);

/// <summary><c>GET /healthz</c>: answers 200 while the process serves; the body says whether ffprobe/ffmpeg are usable.</summary>
internal static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", GetHealth)
            .WithName("GetHealth")
            .WithTags("Health")
            .WithSummary("Service health and whether ffprobe/ffmpeg are usable");
        return app;
    }

    private static Ok<HealthResponse> GetHealth(ToolAvailabilityCache tools)
    {
        var status = tools.Get();
        var healthy = status.FfprobeAvailable && status.FfmpegAvailable;
        return TypedResults.Ok(new HealthResponse(
            healthy ? "ok" : "degraded",
            ToolInfo.Current.Version,
            new ToolHealth(status.FfprobeAvailable, status.FfprobeVersion),
            new ToolHealth(status.FfmpegAvailable, null),
            status.Problem));
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
