using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Preflight.Hosting;
using Preflight.Staging;

namespace Preflight.Worker;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the queue-driven stage (<c>Preflight:Worker</c>) on the shared engine (<see cref="PreflightEngine.AddPreflightEngine"/>,
    /// added here unless the host already did). Its inspections take the engine's inspection slots
    /// (<c>Preflight:Inspection:MaxConcurrent</c>), shared with HTTP requests when both run in one process, and its
    /// counters reach <c>/healthz</c> through the <c>worker</c> health check.
    /// </summary>
    public static IServiceCollection AddPreflightWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WorkerOptions>()
            .BindConfiguration(WorkerOptions.Section)
            .PostConfigure(o => o.ConnectionString ??= configuration[$"{StagingOptions.Section}:ConnectionString"])
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkerOptions>>(new SelfValidating<WorkerOptions>(o => o.Validate())));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<WorkerOptions>>().Value);

        // A worker stages into its own storage account unless staging is configured separately.
        services.PostConfigure<StagingOptions>(o => o.ConnectionString ??= configuration[$"{WorkerOptions.Section}:ConnectionString"]);
        services.AddPreflightEngine(configuration);
        // N workers inspect each content once: verdicts shared through the storage account (Preflight:Cache).
        services.AddPreflightVerdictCache(configuration);
        services.TryAddSingleton<WorkerInspection>(sp => sp.GetRequiredService<InspectionRunner>().InspectAsync);

        services.TryAddSingleton<WorkerMetrics>();
        services.TryAddSingleton(sp => new BlobServiceClient(sp.GetRequiredService<WorkerOptions>().ConnectionString));
        services.TryAddSingleton(sp => new QueueServiceClient(sp.GetRequiredService<WorkerOptions>().ConnectionString));
        services.TryAddSingleton<BlobPreflightStage>();
        services.AddHostedService<QueueWorker>();
        services.AddHealthChecks().AddCheck<WorkerHealthCheck>(HealthCheckNames.Worker);
        return services;
    }
}
