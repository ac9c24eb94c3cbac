using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Preflight.Worker.Tests;

/// <summary>Configuration of <c>Preflight:Worker</c>: defaults that depend on each other, and start-up errors.</summary>
public sealed class WorkerOptionsTests
{
    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create($"Preflight:Worker:{s.Key}", (string?)s.Value))
                .Append(KeyValuePair.Create("Preflight:Worker:ConnectionString", (string?)"UseDevelopmentStorage=true")))
            .Build();

    // The path `preflight worker` takes before the host starts.
    private static WorkerOptions Bind(IConfiguration configuration)
    {
        var options = new WorkerOptions();
        configuration.GetSection(WorkerOptions.Section).Bind(options);
        return options;
    }

    // The path the host takes (options pipeline + validator, as ValidateOnStart runs it).
    private static WorkerOptions Resolve(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddPreflightWorker(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<WorkerOptions>>().Value;
    }

    [Fact]
    public void RetryDelay_NothingConfigured_IsTenSeconds()
    {
        var options = Bind(Configuration());
        Assert.Equal(TimeSpan.FromSeconds(10), options.RetryDelay);
        Assert.Null(options.ConfiguredRetryDelay);
        Assert.Null(options.Validate());
    }

    [Fact]
    public void RetryDelay_ShortVisibilityTimeoutAlone_AdaptsAndStarts()
    {
        var configuration = Configuration(("VisibilityTimeout", "00:00:05"));

        var bound = Bind(configuration);
        Assert.Null(bound.Validate());
        Assert.Equal(TimeSpan.FromSeconds(2.5), bound.RetryDelay);

        var resolved = Resolve(configuration);
        Assert.Equal(TimeSpan.FromSeconds(5), resolved.VisibilityTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2.5), resolved.RetryDelay);
    }

    [Fact]
    public void RetryDelay_ExplicitValueWithinVisibilityTimeout_IsKept()
    {
        var options = Bind(Configuration(("VisibilityTimeout", "00:00:05"), ("RetryDelay", "00:00:05")));
        Assert.Equal(TimeSpan.FromSeconds(5), options.ConfiguredRetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(5), options.RetryDelay);
        Assert.Null(options.Validate());
    }

    [Fact]
    public void RetryDelay_ExplicitZero_IsKept()
    {
        var options = Bind(Configuration(("RetryDelay", "00:00:00")));
        Assert.Equal(TimeSpan.Zero, options.RetryDelay);
        Assert.Null(options.Validate());
    }

    [Fact]
    public void RetryDelay_ExplicitValueOverVisibilityTimeout_IsAStartUpError()
    {
        var configuration = Configuration(("VisibilityTimeout", "00:00:05"), ("RetryDelay", "00:00:10"));

        var problem = Bind(configuration).Validate();
        Assert.NotNull(problem);
        Assert.Contains("Preflight:Worker:RetryDelay", problem);
        Assert.Contains("visibility timeout", problem);

        var e = Assert.Throws<OptionsValidationException>(() => Resolve(configuration));
        Assert.Contains(e.Failures, f => f.Contains("Preflight:Worker:RetryDelay", StringComparison.Ordinal));
    }

    [Fact]
    public void RetryDelay_ExplicitNegative_IsAStartUpError()
    {
        Assert.NotNull(Bind(Configuration(("RetryDelay", "-00:00:01"))).Validate());
    }
}
