using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Preflight.Hosting;

/// <summary>
/// <c>AddOptions&lt;T&gt;()</c> with the options services registered for <typeparamref name="T"/> itself. The options
/// library registers them as open generics (<c>IOptions&lt;&gt;</c>, <c>IOptionsMonitor&lt;&gt;</c>, ...), which the
/// container closes at run time on first use; in the Native AOT CLI each one went through the runtime's type loader,
/// ~12 ms of every <c>fix</c> and first <c>check</c> (perf, docs/benchmarks.md). These are the same classes with the
/// same lifetimes, built without it. A factory registered before (a custom <see cref="IOptionsFactory{T}"/>) is kept.
/// </summary>
internal static class ClosedOptions
{
    public static OptionsBuilder<T> AddClosedOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(
        this IServiceCollection services) where T : class
    {
        services.TryAddSingleton<IOptionsFactory<T>>(sp => new OptionsFactory<T>(
            sp.GetServices<IConfigureOptions<T>>(), sp.GetServices<IPostConfigureOptions<T>>(), sp.GetServices<IValidateOptions<T>>()));
        services.TryAddSingleton<IOptionsMonitorCache<T>>(_ => new OptionsCache<T>());
        services.TryAddSingleton<IOptionsMonitor<T>>(sp => new OptionsMonitor<T>(
            sp.GetRequiredService<IOptionsFactory<T>>(), sp.GetServices<IOptionsChangeTokenSource<T>>(), sp.GetRequiredService<IOptionsMonitorCache<T>>()));
        services.TryAddSingleton<IOptions<T>>(sp => new OptionsManager<T>(sp.GetRequiredService<IOptionsFactory<T>>()));
        services.TryAddScoped<IOptionsSnapshot<T>>(sp => new OptionsManager<T>(sp.GetRequiredService<IOptionsFactory<T>>()));
        return services.AddOptions<T>();
    }
}
