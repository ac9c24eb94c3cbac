using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Preflight.Api.Hosting;
using Preflight.Core.Fetching;
using Preflight.Core.Probing.Video;
using Preflight.Hosting;
using Preflight.Staging;
using Preflight.TestSupport;
using Preflight.Worker;

namespace Preflight.Cli.Tests.Deploy;

/// <summary>
/// deploy/ (Kubernetes YAML and Container Apps Bicep) against the app: every setting a manifest names is a key the
/// command it runs really reads, with a value that binds; queue and container names are the app's defaults;
/// ports and probes are the Dockerfile's port and a route the service maps; KEDA watches the queue the worker reads.
/// </summary>
public sealed class DeployManifestTests
{
    private static readonly DeployManifests Manifests = DeployManifests.Load();

    /// <summary>Configuration sections each face binds, and to which options class (see the AddPreflight* registrations).</summary>
    /// <summary>The engine's sections: every face reads them (AddPreflightEngine), and serve and worker share verdicts.</summary>
    private static readonly (string Section, Type Options)[] Engine =
    [
        ("Preflight:MediaTools", typeof(MediaToolsOptions)),
        (FetchOptions.SectionName, typeof(FetchOptions)),
        (InspectionQueueOptions.SectionName, typeof(InspectionQueueOptions)),
        (JobOptions.SectionName, typeof(JobOptions)),
        (StagingOptions.Section, typeof(StagingOptions)),
        (VerdictCacheOptions.Section, typeof(VerdictCacheOptions)),
    ];

    /// <summary>Configuration sections each face binds, and to which options class (see the AddPreflight* registrations).</summary>
    private static readonly Dictionary<string, (string Section, Type Options)[]> Sections = new(StringComparer.Ordinal)
    {
        ["worker"] = [.. Engine, (WorkerOptions.Section, typeof(WorkerOptions))],
        ["serve"] =
        [
            .. Engine,
            (RateLimitOptions.SectionName, typeof(RateLimitOptions)),
            (UploadOptions.SectionName, typeof(UploadOptions)),
            (WorkerOptions.Section, typeof(WorkerOptions)),
        ],
    };

    /// <summary>Keys outside the options classes that the hosts read (verified below where it matters).</summary>
    private static readonly Regex OtherKeys = new(@"^(Preflight:PublicBaseUrl|Preflight:ApiKeys:\d+|shutdownTimeoutSeconds)$");

    /// <summary>Settings that name storage things: when a manifest sets one, it must be the app's default (the README's).</summary>
    private static readonly Dictionary<string, string> NameDefaults = new(StringComparer.Ordinal)
    {
        ["Preflight:Worker:RequestQueue"] = new WorkerOptions().RequestQueue,
        ["Preflight:Worker:ResultQueue"] = new WorkerOptions().ResultQueue,
        ["Preflight:Worker:RejectedContainer"] = new WorkerOptions().RejectedContainer,
        ["Preflight:Staging:Container"] = new StagingOptions().Container,
        ["Preflight:Cache:Container"] = new VerdictCacheOptions().Container,
    };

    public static TheoryData<string> Containers()
    {
        var data = new TheoryData<string>();
        foreach (var c in Manifests.Containers) data.Add($"{c.Source}:{c.Name}");
        return data;
    }

    private static DeployedContainer Find(string id) => Manifests.Containers.Single(c => $"{c.Source}:{c.Name}" == id);

    private static string Key(string envName) => envName.Replace("__", ":", StringComparison.Ordinal);

    [Fact]
    public void Manifests_CoverBothTargetsAndBothFaces()
    {
        Assert.Empty(Manifests.Problems);
        foreach (var target in new[] { "kubernetes/", "azure-container-apps/" })
        {
            var faces = Manifests.Containers.Where(c => c.Source.StartsWith(target, StringComparison.Ordinal)).Select(c => c.Face).Order().ToList();
            Assert.Equal(["serve", "worker"], faces);
            Assert.Single(Manifests.Triggers, t => t.Source.StartsWith(target, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Containers))]
    public void Env_NamesOnlyKeysTheFaceReads(string id)
    {
        var container = Find(id);
        Assert.True(Sections.ContainsKey(container.Face), $"{id} runs '{container.Face}', not serve or worker");
        var known = Sections[container.Face]
            .SelectMany(s => SettableProperties(s.Options).Select(p => $"{s.Section}:{p.Name}"))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);

        foreach (var name in container.Env.Keys)
        {
            var key = Key(name);
            Assert.True(known.Contains(key) || OtherKeys.IsMatch(key),
                $"{id} sets {name}, but '{container.Face}' reads no configuration key {key}");
        }
    }

    [Theory]
    [MemberData(nameof(Containers))]
    public void Env_ValuesBindAndNamesAreTheDefaults(string id)
    {
        var container = Find(id);
        var values = container.Env.Where(e => e.Value is not null).ToDictionary(e => Key(e.Key), e => e.Value, StringComparer.OrdinalIgnoreCase);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        foreach (var (section, type) in Sections.GetValueOrDefault(container.Face, []))
        {
            // Binding throws on a value the type cannot hold ("two" for an int, "5m" for a TimeSpan).
            var options = Activator.CreateInstance(type)!;
            configuration.GetSection(section).Bind(options, o => o.ErrorOnUnknownConfiguration = false);
        }

        var worker = configuration.GetSection(WorkerOptions.Section).Get<WorkerOptions>() ?? new WorkerOptions();
        worker.ConnectionString = "set-from-a-secret";
        if (container.Face == "worker") Assert.Null(worker.Validate());
        var staging = configuration.GetSection(StagingOptions.Section).Get<StagingOptions>() ?? new StagingOptions();
        Assert.Null(staging.Validate());

        foreach (var (key, expected) in NameDefaults)
        {
            if (values.TryGetValue(key, out var value))
                Assert.True(value == expected, $"{id} sets {key}={value}, but the app's default (README) is {expected}");
        }
    }

    [Fact]
    public void Secrets_ConnectionStringsComeFromSecrets()
    {
        foreach (var container in Manifests.Containers)
        {
            var connection = container.Face == "worker" ? "Preflight__Worker__ConnectionString" : "Preflight__Staging__ConnectionString";
            Assert.True(container.SecretEnv.ContainsKey(connection), $"{container.Source}:{container.Name} takes {connection} from a secret");
            Assert.DoesNotContain(container.Env, e => e.Key.EndsWith("ConnectionString", StringComparison.Ordinal) && e.Value is not null);
        }
    }

    [Fact]
    public void Queues_TriggerEventGridAndStorageNameWhatTheWorkerReads()
    {
        foreach (var worker in Manifests.Containers.Where(c => c.Face == "worker"))
        {
            var options = Effective(worker);
            var target = worker.Source.Split('/')[0];
            var trigger = Assert.Single(Manifests.Triggers, t => t.Source.StartsWith(target, StringComparison.Ordinal));
            Assert.Equal("worker", trigger.TargetFace);
            Assert.Equal(options.RequestQueue, trigger.QueueName);
            Assert.True(trigger.QueueLength > 0);
            Assert.Equal(worker.SecretEnv["Preflight__Worker__ConnectionString"], trigger.ConnectionSecret);
        }

        var app = Effective(Manifests.Containers.First(c => c.Face == "worker" && c.Source.StartsWith("azure", StringComparison.Ordinal)));
        var staging = new StagingOptions();
        Assert.Equal(new[] { app.PoisonQueue, app.RequestQueue, app.ResultQueue }.Order(StringComparer.Ordinal), Manifests.Queues.Order(StringComparer.Ordinal));
        Assert.Equal([app.RequestQueue], Manifests.EventGridQueues);
        var uploads = Assert.Single(Manifests.EventGridContainers);
        Assert.Equal(new[] { uploads, staging.Container, app.RejectedContainer, new VerdictCacheOptions().Container }.Order(StringComparer.Ordinal), Manifests.BlobContainers.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void QueueLength_IsTheSameInBothTargetsAndInTheCapacityModel()
    {
        var lengths = Manifests.Triggers.Select(t => t.QueueLength).Distinct().ToList();
        var length = Assert.Single(lengths);
        var capacity = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "capacity.md"));
        Assert.Contains($"queueLength = {length}", capacity, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ports_AreTheDockerfilePortAndProbesHitARouteTheServiceMaps()
    {
        var dockerfile = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "Dockerfile"));
        var port = int.Parse(Regex.Match(dockerfile, @"^EXPOSE (\d+)", RegexOptions.Multiline).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Contains($"\"http://0.0.0.0:{port}\"", dockerfile, StringComparison.Ordinal);
        var routes = ServiceRoutes();

        foreach (var container in Manifests.Containers)
        {
            var id = $"{container.Source}:{container.Name}";
            if (container.Face == "worker")
            {
                // `preflight worker` listens on nothing: a port or an HTTP probe would never answer.
                Assert.Empty(container.Ports);
                Assert.Empty(container.Probes);
                continue;
            }
            Assert.Equal(["serve", "--urls", $"http://0.0.0.0:{port}"], container.Args);
            Assert.Equal([port], container.Ports);
            Assert.Equal(2, container.Probes.Count);
            foreach (var (path, probePort) in container.Probes)
            {
                Assert.True(probePort == port, $"{id} probes port {probePort}, the service listens on {port}");
                Assert.True(routes.Contains(path), $"{id} probes {path}, which the service does not map");
            }
        }
    }

    [Fact]
    public void Shutdown_GracePeriodCoversTheWorkersShutdownTimeout()
    {
        // The key really is read: the generic host takes its shutdown timeout from configuration.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = false, Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["shutdownTimeoutSeconds"] = "77" });
        using (var host = builder.Build())
            Assert.Equal(TimeSpan.FromSeconds(77), host.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);

        foreach (var worker in Manifests.Containers.Where(c => c.Face == "worker"))
        {
            var shutdown = int.Parse(worker.Env.GetValueOrDefault("shutdownTimeoutSeconds") ?? "30", CultureInfo.InvariantCulture);
            Assert.True(worker.TerminationGracePeriodSeconds > shutdown,
                $"{worker.Source}: terminationGracePeriodSeconds {worker.TerminationGracePeriodSeconds} must exceed shutdownTimeoutSeconds {shutdown}");
            // A message held longer than its visibility timeout would be handed to another worker meanwhile.
            Assert.True(TimeSpan.FromSeconds(shutdown) < Effective(worker).VisibilityTimeout);
        }
    }

    private static WorkerOptions Effective(DeployedContainer container)
    {
        var values = container.Env.Where(e => e.Value is not null).ToDictionary(e => Key(e.Key), e => e.Value, StringComparer.OrdinalIgnoreCase);
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection(WorkerOptions.Section).Get<WorkerOptions>() ?? new WorkerOptions();
    }

    private static IEnumerable<PropertyInfo> SettableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true });

    /// <summary>The routes <c>preflight serve</c> maps, read from the built app (nothing is started).</summary>
    private static HashSet<string> ServiceRoutes()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.AddPreflight();
        var app = builder.Build();
        app.MapPreflight();
        return ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText?.TrimStart('/')).ToHashSet(StringComparer.Ordinal);
    }
}
