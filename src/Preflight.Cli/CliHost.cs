using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Preflight.Core.Inspection;
using Preflight.Hosting;

namespace Preflight.Cli;

/// <summary>
/// What every command composes from: the same configuration sources as <c>serve</c> and <c>worker</c> (their hosts
/// read <c>appsettings.json</c>, <c>appsettings.{Environment}.json</c>, environment variables and the command line),
/// and the engine from <see cref="PreflightEngine.AddPreflightEngine"/>. A key works the same in every command.
/// </summary>
internal static class CliHost
{
    /// <summary>
    /// Splits <c>--Section:Key=value</c> configuration arguments from the command's own. Everything after <c>--</c>
    /// belongs to the command (a file may be named like a setting).
    /// </summary>
    public static (List<string> Command, List<string> Configuration) SplitArgs(IReadOnlyList<string> args)
    {
        var command = new List<string>(args.Count);
        var configuration = new List<string>();
        var optionsEnded = false;
        foreach (var arg in args)
        {
            if (arg == "--") optionsEnded = true;
            if (!optionsEnded && IsSetting(arg)) configuration.Add(arg);
            else command.Add(arg);
        }
        return (command, configuration);
    }

    /// <summary><c>--Preflight:Fetch:Timeout=00:00:30</c>: a configuration key (it has a ':') with an inline value.</summary>
    private static bool IsSetting(string arg)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal)) return false;
        var equals = arg.IndexOf('=');
        return equals > 2 && arg.AsSpan(2, equals - 2).Contains(':');
    }

    /// <summary>The configuration a host would read, plus <paramref name="overrides"/> (command-line flags that set a key) on top.</summary>
    public static IConfiguration Configuration(IEnumerable<string> settings, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        var environment = Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production";
        return new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddJsonFile($"appsettings.{environment}.json", optional: true, reloadOnChange: false)
            .AddEnvironmentVariables()
            .AddCommandLine([.. settings])
            .AddInMemoryCollection(overrides ?? [])
            .Build();
    }

    /// <summary>The engine, validated the way a host validates it when it starts; an invalid setting is exit 2 in one line.</summary>
    public static ServiceProvider Engine(IConfiguration configuration, CliContext context)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPreflightEngine(configuration);
        if (context.InspectOverride is { } inspect) services.AddSingleton<InspectFile>((r, o, ct) => inspect(r, o, ct));
        var provider = services.BuildServiceProvider();
        try
        {
            PreflightEngine.ValidateConfiguration(provider);
        }
        catch (OptionsValidationException e)
        {
            provider.Dispose();
            throw InvalidConfiguration(e);
        }
        return provider;
    }

    public static CliSetupException InvalidConfiguration(OptionsValidationException e) =>
        new("invalid configuration: " + string.Join("; ", e.Failures), e);
}
