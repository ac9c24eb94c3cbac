using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Preflight.Staging;

namespace Preflight.Worker;

public static class VerdictCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="VerdictCache"/> from <c>Preflight:Cache</c>. Its storage account defaults to the worker's,
    /// else staging's, so a deployment with a storage connection string shares verdicts without further settings.
    /// </summary>
    public static IServiceCollection AddPreflightVerdictCache(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<VerdictCacheOptions>()
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<VerdictCacheOptions>, VerdictCacheOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<VerdictCache>();
        return services;
    }
}

internal sealed class VerdictCacheOptionsValidator : IValidateOptions<VerdictCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, VerdictCacheOptions options) =>
        options.Validate() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
