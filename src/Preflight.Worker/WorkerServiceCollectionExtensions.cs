using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Preflight.Core.Inspection;
using Preflight.Core.Probing.Video;
using Preflight.Core.Rules;
using Preflight.Staging;

namespace Preflight.Worker;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the queue-driven stage (<c>Preflight:Worker</c>) and what it needs; the engine and staging
    /// registrations are added only if the host has not added its own.
    /// </summary>
    public static IServiceCollection AddPreflightWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WorkerOptions>()
            .BindConfiguration(WorkerOptions.Section)
            .PostConfigure(o => o.ConnectionString ??= configuration[$"{StagingOptions.Section}:ConnectionString"])
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WorkerOptions>, WorkerOptionsValidator>());
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<WorkerOptions>>().Value);

        // A worker stages into its own storage account unless staging is configured separately.
        services.AddOptions<StagingOptions>().BindConfiguration(StagingOptions.Section)
            .PostConfigure(o => o.ConnectionString ??= configuration[$"{WorkerOptions.Section}:ConnectionString"]);
        services.TryAddSingleton(Profile.HeyGen);
        services.TryAddSingleton(_ => new MediaTools(new MediaToolsOptions()));
        services.TryAddSingleton(sp => new Inspector(sp.GetRequiredService<MediaTools>()));
        // Through the shared verdict cache (Preflight:Cache): N workers inspect each content once.
        services.AddPreflightVerdictCache(configuration);
        services.TryAddSingleton<WorkerInspection>(sp =>
        {
            var cache = sp.GetRequiredService<VerdictCache>();
            var inspector = sp.GetRequiredService<Inspector>();
            return (request, inspection, ct) => cache.InspectAsync(request, inspection, inspector.InspectAsync, ct);
        });
        services.TryAddSingleton(sp => Stager.CreateStore(sp.GetRequiredService<IOptions<StagingOptions>>().Value, configuration["Preflight:PublicBaseUrl"]));
        services.TryAddSingleton(sp => new Stager(sp.GetRequiredService<IStagingStore>(), sp.GetRequiredService<Profile>()));

        services.TryAddSingleton<WorkerMetrics>();
        services.TryAddSingleton(sp => new BlobServiceClient(sp.GetRequiredService<WorkerOptions>().ConnectionString));
        services.TryAddSingleton(sp => new QueueServiceClient(sp.GetRequiredService<WorkerOptions>().ConnectionString));
        services.TryAddSingleton<BlobPreflightStage>();
        services.AddHostedService<QueueWorker>();
        return services;
    }
}

/// <summary>Says exactly which setting is wrong, at start-up.</summary>
internal sealed class WorkerOptionsValidator : IValidateOptions<WorkerOptions>
{
    public ValidateOptionsResult Validate(string? name, WorkerOptions options) =>
        options.Validate() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
