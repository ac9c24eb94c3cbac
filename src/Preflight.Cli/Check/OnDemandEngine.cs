using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Preflight.Cli.Check;

/// <summary>
/// The engine of one <c>check</c> run, built (and its configuration validated) the first time something needs it: an
/// inspection, staging, previews, or a profile the verdict cache does not remember. A re-check whose every file comes
/// from the cache never builds it (no ImageSharp, ffprobe lookup, profile catalog or options binding).
/// </summary>
internal sealed class OnDemandEngine(Func<IConfiguration> configuration, CliContext context) : IAsyncDisposable
{
    private readonly Lazy<ServiceProvider> _services = new(() =>
    {
        var services = CliHost.Engine(configuration(), context);
        context.EngineBuilt?.Invoke();
        return services;
    }, LazyThreadSafetyMode.ExecutionAndPublication);

    public T Get<T>() where T : notnull => _services.Value.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        if (_services.IsValueCreated) await _services.Value.DisposeAsync();
    }
}
