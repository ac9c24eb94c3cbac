using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Preflight.Core.Inspection;
using Preflight.Staging;

namespace Preflight.Hosting;

/// <summary>
/// The services' shared verdict cache (<c>Preflight:Cache</c>): the faces that share a storage account (<c>serve</c>,
/// <c>worker</c>) call <see cref="AddPreflightVerdictCache"/> after <see cref="PreflightEngine.AddPreflightEngine"/>,
/// and the engine's one <see cref="InspectFile"/> then asks the cache first. <c>check</c> has its own on-disk cache.
/// </summary>
public static class VerdictCacheSetup
{
    /// <summary>
    /// Binds <c>Preflight:Cache</c> (its storage account defaults to the worker's, else staging's, so a deployment with a
    /// storage connection string shares verdicts with no further setting) and routes <see cref="InspectFile"/> through
    /// <see cref="VerdictCache"/>. Calling it again does nothing.
    /// </summary>
    public static IServiceCollection AddPreflightVerdictCache(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(VerdictCache))) return services;
        services.AddClosedOptions<VerdictCacheOptions>()
            .BindConfiguration(VerdictCacheOptions.Section)
            .PostConfigure(o =>
            {
                if (string.IsNullOrWhiteSpace(o.ConnectionString))
                {
                    o.ConnectionString = new[] { configuration["Preflight:Worker:ConnectionString"], configuration[$"{StagingOptions.Section}:ConnectionString"] }
                        .FirstOrDefault(c => !string.IsNullOrWhiteSpace(c));
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VerdictCacheOptions>>(new SelfValidating<VerdictCacheOptions>(o => o.Validate())));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<VerdictCache>();
        // The engine call, asked of the cache first (a test's stand-in registered later still replaces it).
        services.Replace(ServiceDescriptor.Singleton<InspectFile>(sp =>
        {
            var cache = sp.GetRequiredService<VerdictCache>();
            var inspector = sp.GetRequiredService<Inspector>();
            return (request, options, ct) => cache.InspectAsync(request, options, inspector.InspectAsync, ct);
        }));
        return services;
    }
}
