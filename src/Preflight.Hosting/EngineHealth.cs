using Microsoft.Extensions.Diagnostics.HealthChecks;
using Preflight.Core.Probing.Video;
using Preflight.Staging;

namespace Preflight.Hosting;

/// <summary>
/// The names of the health checks behind <c>GET /healthz</c>. Each part of the system registers its own check
/// (the engine: tools and staging; the queue worker: its counters), so the endpoint needs no reference to any of them.
/// </summary>
public static class HealthCheckNames
{
    public const string Ffprobe = "ffprobe";
    public const string Ffmpeg = "ffmpeg";
    public const string Staging = "staging";
    public const string Worker = "worker";

    /// <summary>Data keys of the tool and staging checks.</summary>
    public const string VersionKey = "version";
    public const string StoreKey = "store";
    public const string DetailKey = "detail";
}

/// <summary>Checking the tools starts processes: health probes every few seconds share one answer for a while.</summary>
public sealed class ToolAvailabilityCache(MediaTools tools, TimeProvider time)
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

/// <summary>ffprobe or ffmpeg usable: degraded (not unhealthy) without them, since quick checks still work.</summary>
internal sealed class MediaToolHealthCheck(ToolAvailabilityCache tools, bool ffprobe) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = tools.Get();
        var usable = ffprobe ? status.FfprobeAvailable : status.FfmpegAvailable;
        var data = new Dictionary<string, object>();
        if (ffprobe && status.FfprobeVersion is { } version) data[HealthCheckNames.VersionKey] = version;
        return Task.FromResult(usable
            ? HealthCheckResult.Healthy(data: data)
            : HealthCheckResult.Degraded(status.Problem, data: data));
    }
}

/// <summary>The staging store can take files (cached: it may call Azure).</summary>
internal sealed class StagingHealthCheck(StagingHealthCache staging) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var store = await staging.GetAsync(cancellationToken);
        var data = new Dictionary<string, object> { [HealthCheckNames.StoreKey] = store.Store, [HealthCheckNames.DetailKey] = store.Detail };
        return store.Healthy ? HealthCheckResult.Healthy(data: data) : HealthCheckResult.Degraded(store.Detail, data: data);
    }
}
