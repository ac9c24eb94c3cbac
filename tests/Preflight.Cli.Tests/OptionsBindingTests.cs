using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Preflight.Core.Fetching;
using Preflight.Core.Probing.Video;
using Preflight.Hosting;

namespace Preflight.Cli.Tests;

/// <summary>
/// Configuration is bound by the build-time binder (the CLI is a Native AOT binary). That binder silently skips
/// init-only properties, which the reflection binder used to set: a key in the README would then do nothing.
/// </summary>
public sealed class OptionsBindingTests
{
    /// <summary>Every options class a configuration section binds: those that name their section, and MediaTools.</summary>
    public static TheoryData<string> OptionsTypes()
    {
        var types = new[] { "Preflight.Core", "Preflight.Staging", "Preflight.Hosting", "Preflight.Worker", "Preflight.Api" }
            .Select(Assembly.Load)
            .SelectMany(a => a.GetTypes())
            .Where(t => t.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Any(f => f is { IsLiteral: true, Name: "Section" or "SectionName" } && f.GetRawConstantValue() is string s && s.StartsWith("Preflight:", StringComparison.Ordinal)))
            .Append(typeof(MediaToolsOptions))
            .Select(t => t.AssemblyQualifiedName!)
            .ToList();
        Assert.True(types.Count >= 10, "expected the options classes of every project, found " + types.Count);
        return [.. types];
    }

    [Theory]
    [MemberData(nameof(OptionsTypes))]
    public void OptionsClass_EveryPublicProperty_HasASetterTheBinderUses(string typeName)
    {
        var type = Type.GetType(typeName, throwOnError: true)!;
        var initOnly = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } setter
                        && setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)))
            .Select(p => p.Name)
            .ToList();

        Assert.True(initOnly.Count == 0, $"{type.Name}: init-only properties are never bound from configuration: {string.Join(", ", initOnly)}");
    }

    [Fact]
    public void Engine_FetchAndMediaToolsKeys_AreBound()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Preflight:Fetch:AllowPrivateNetworks"] = "true",
            ["Preflight:Fetch:MaxRedirects"] = "2",
            ["Preflight:Fetch:Timeout"] = "00:00:07",
            ["Preflight:Fetch:MaxConcurrentPerHost"] = "3",
            ["Preflight:MediaTools:BinaryFolder"] = "/opt/ffmpeg/bin",
            ["Preflight:MediaTools:ProbeTimeout"] = "00:00:09",
            ["Preflight:Inspection:MaxQueue"] = "5",
            ["Preflight:Jobs:MaxAssets"] = "7",
        }).Build();
        using var services = new ServiceCollection().AddPreflightEngine(configuration).BuildServiceProvider();

        var fetch = services.GetRequiredService<IOptions<FetchOptions>>().Value;
        var tools = services.GetRequiredService<IOptions<MediaToolsOptions>>().Value;
        Assert.True(fetch.AllowPrivateNetworks);
        Assert.Equal(2, fetch.MaxRedirects);
        Assert.Equal(TimeSpan.FromSeconds(7), fetch.Timeout);
        Assert.Equal(3, fetch.MaxConcurrentPerHost);
        Assert.Equal("/opt/ffmpeg/bin", tools.BinaryFolder);
        Assert.Equal(TimeSpan.FromSeconds(9), tools.ProbeTimeout);
        Assert.Equal(5, services.GetRequiredService<IOptions<InspectionQueueOptions>>().Value.MaxQueue);
        Assert.Equal(7, services.GetRequiredService<IOptions<JobOptions>>().Value.MaxAssets);
    }

    /// <summary>
    /// <c>Preflight:MediaTools:InProcessRemux</c> (the README's switch back to ffmpeg for every remux) reaches the
    /// MediaTools the engine's Remediator uses, off when set so and on by default.
    /// </summary>
    [Theory]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("true", true)]
    [InlineData(null, true)]
    public void Engine_InProcessRemuxKey_ReachesTheEnginesMediaTools(string? value, bool expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Preflight:MediaTools:InProcessRemux"] = value,
        }).Build();
        using var services = new ServiceCollection().AddPreflightEngine(configuration).BuildServiceProvider();

        PreflightEngine.ValidateConfiguration(services);
        Assert.Equal(expected, services.GetRequiredService<MediaTools>().Options.InProcessRemux);
    }

    [Theory]
    [InlineData("Preflight:Inspection:MaxConcurrent", "0", "Preflight:Inspection:MaxConcurrent must be between 1 and 1024.")]
    [InlineData("Preflight:Inspection:RequestTimeout", "00:00:00.5", "Preflight:Inspection:RequestTimeout must be between 1 second and 1 day.")]
    [InlineData("Preflight:Jobs:MaxConcurrentAssets", "65", "Preflight:Jobs:MaxConcurrentAssets must be between 1 and 64.")]
    [InlineData("Preflight:Jobs:EnterpriseMaxVideoSeconds", "0", "Preflight:Jobs:EnterpriseMaxVideoSeconds must be between 1 and 604800 (seconds), or empty.")]
    public void Engine_OutOfRangeSetting_FailsNamingTheKey(string key, string value, string message)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        using var services = new ServiceCollection().AddPreflightEngine(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = services.GetRequiredService<IOptions<InspectionQueueOptions>>().Value;
            _ = services.GetRequiredService<IOptions<JobOptions>>().Value;
        });
        Assert.Equal(message, Assert.Single(error.Failures));
    }

    [Fact]
    public void Engine_ConvertTimeoutKeys_AreBoundAndAccepted()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Preflight:MediaTools:ConvertTimeoutBase"] = "00:00:05",
            ["Preflight:MediaTools:ConvertTimeoutPerMediaSecond"] = "00:00:02",
            ["Preflight:MediaTools:ConvertTimeoutMax"] = "00:10:00",
        }).Build();
        using var services = new ServiceCollection().AddPreflightEngine(configuration).BuildServiceProvider();

        PreflightEngine.ValidateConfiguration(services);
        Assert.Equal(TimeSpan.FromSeconds(25), services.GetRequiredService<IOptions<MediaToolsOptions>>().Value.ConvertTimeoutFor(10));
    }

    [Theory]
    [InlineData("ConvertTimeoutBase", "00:00:00")]
    [InlineData("ConvertTimeoutPerMediaSecond", "00:00:00")]
    [InlineData("ConvertTimeoutPerMediaSecond", "-00:00:01")]
    [InlineData("ConvertTimeoutBase", "03:00:00")] // above the 2 h ConvertTimeoutMax
    [InlineData("ConvertTimeoutPerMediaSecond", "02:00:01")]
    [InlineData("ConvertTimeoutMax", "00:00:30")] // below the 60 s ConvertTimeoutBase
    [InlineData("ConvertTimeoutMax", "1.00:00:01")] // a fix's timer is refused past ~49 days; a day is the bound
    public void Engine_InvalidConvertTimeout_FailsAtStartNamingTheKeys(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Preflight:MediaTools:" + key] = value }).Build();
        using var services = new ServiceCollection().AddPreflightEngine(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => PreflightEngine.ValidateConfiguration(services));
        Assert.Equal(
            "Preflight:MediaTools: ConvertTimeoutBase and ConvertTimeoutPerMediaSecond must be positive and at most ConvertTimeoutMax, which must be at most 1 day.",
            Assert.Single(error.Failures));
    }

    /// <summary>
    /// The engine registers the options services closed for each of its options types (a Native AOT start would build
    /// the open generic ones at run time). They must be what the options library itself gives: bound values through
    /// IOptions, IOptionsMonitor and IOptionsSnapshot, MediaTools' own factory kept, and a bad value refused by the
    /// start-up validation.
    /// </summary>
    [Fact]
    public void Engine_OptionsServices_ClosedAndBehavingAsTheLibrarysOwn()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Preflight:Fetch:MaxRedirects"] = "4",
            ["Preflight:MediaTools:ProbeTimeout"] = "00:00:11",
        }).Build();
        var collection = new ServiceCollection().AddPreflightEngine(configuration);
        using var services = collection.BuildServiceProvider();
        using var scope = services.CreateScope();

        foreach (var options in new[] { typeof(FetchOptions), typeof(MediaToolsOptions), typeof(InspectionQueueOptions), typeof(JobOptions), typeof(Preflight.Staging.StagingOptions) })
        {
            foreach (var service in new[] { typeof(IOptions<>), typeof(IOptionsMonitor<>), typeof(IOptionsSnapshot<>), typeof(IOptionsFactory<>), typeof(IOptionsMonitorCache<>) })
                Assert.Contains(collection, d => d.ServiceType == service.MakeGenericType(options));
        }
        Assert.IsNotType<OptionsFactory<MediaToolsOptions>>(services.GetRequiredService<IOptionsFactory<MediaToolsOptions>>());
        Assert.Equal(4, services.GetRequiredService<IOptions<FetchOptions>>().Value.MaxRedirects);
        Assert.Equal(4, services.GetRequiredService<IOptionsMonitor<FetchOptions>>().CurrentValue.MaxRedirects);
        Assert.Equal(4, scope.ServiceProvider.GetRequiredService<IOptionsSnapshot<FetchOptions>>().Value.MaxRedirects);
        Assert.Equal(TimeSpan.FromSeconds(11), services.GetRequiredService<IOptionsMonitor<MediaToolsOptions>>().CurrentValue.ProbeTimeout);
        Assert.Same(services.GetRequiredService<IOptions<JobOptions>>(), services.GetRequiredService<IOptions<JobOptions>>());

        var bad = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Preflight:Fetch:MaxRedirects"] = "-1" }).Build();
        using var badServices = new ServiceCollection().AddPreflightEngine(bad).BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => PreflightEngine.ValidateConfiguration(badServices));
    }
}
