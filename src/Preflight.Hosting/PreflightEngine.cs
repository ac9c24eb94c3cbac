using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Preflight.Core.Fetching;
using Preflight.Core.Inspection;
using Preflight.Core.Probing.Video;
using Preflight.Core.Remediation;
using Preflight.Core.Rules;

namespace Preflight.Hosting;

/// <summary>
/// The one composition root of the engine. Every face (<c>check</c>, <c>job</c>, <c>serve</c>, <c>worker</c>, the API
/// host) calls <see cref="AddPreflightEngine"/>, so a configuration key means the same thing everywhere.
/// </summary>
public static class PreflightEngine
{
    /// <summary>Folder holding ffprobe and ffmpeg: the documented alias of <c>Preflight:MediaTools:BinaryFolder</c>.</summary>
    public const string FfmpegDirVariable = "PREFLIGHT_FFMPEG_DIR";

    public const string MediaToolsSection = "Preflight:MediaTools";

    /// <summary>The profile every face uses unless a request names another: a built-in name, a user profile's name or a file.</summary>
    public const string ProfileKey = "Preflight:Profile";

    /// <summary>Profile files or folders loaded at start (an array, or one string with ';' between paths).</summary>
    public const string ProfilePathsKey = "Preflight:ProfilePaths";

    public const string DefaultProfile = "heygen";

    /// <summary>The paths of <see cref="ProfilePathsKey"/>: array entries, or one value split at ';'.</summary>
    public static IReadOnlyList<string> ProfilePaths(IConfiguration configuration)
    {
        var section = configuration.GetSection(ProfilePathsKey);
        // A plain loop: in the Native AOT CLI, LINQ's generic virtual calls were resolved at run time on every start.
        var entries = new List<string>();
        foreach (var child in section.GetChildren())
            if (child.Value is { } value) entries.Add(value);
        if (section.Value is { } single) entries.AddRange(single.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return entries;
    }

    /// <summary>
    /// Profile, media tools (<c>Preflight:MediaTools</c>), inspector, URL fetcher (<c>Preflight:Fetch</c>) and URL
    /// inspector, staging store and stager (<c>Preflight:Staging</c>, <c>Preflight:PublicBaseUrl</c>), the inspection
    /// gate (<c>Preflight:Inspection</c>), job settings (<c>Preflight:Jobs</c>) and the engine's health checks.
    /// Options are bound once and validated at start (<c>ValidateOnStart</c>). Calling it again does nothing.
    /// </summary>
    public static IServiceCollection AddPreflightEngine(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(EngineMarker))) return services;
        services.AddSingleton<EngineMarker>();
        // Options read the container's IConfiguration lazily, so sources added after this call (tests) still apply.
        services.TryAddSingleton(configuration);

        services.AddSingleton<IOptionsFactory<MediaToolsOptions>, MediaToolsOptionsFactory>();
        services.AddClosedOptions<MediaToolsOptions>().BindConfiguration(MediaToolsSection)
            // Checked here, not at the first probe or fix: a timer past ~49 days throws, and a per-second rate above
            // the cap means nothing.
            .Validate(o => o.ProbeTimeout > TimeSpan.Zero && o.DecodeTimeout > TimeSpan.Zero
                           && o.ProbeTimeout <= TimeSpan.FromDays(1) && o.DecodeTimeout <= TimeSpan.FromDays(1),
                "Preflight:MediaTools: ProbeTimeout and DecodeTimeout must be positive and at most 1 day.")
            .Validate(o => o.ConvertTimeoutBase > TimeSpan.Zero && o.ConvertTimeoutPerMediaSecond > TimeSpan.Zero
                           && o.ConvertTimeoutBase <= o.ConvertTimeoutMax && o.ConvertTimeoutPerMediaSecond <= o.ConvertTimeoutMax
                           && o.ConvertTimeoutMax <= TimeSpan.FromDays(1),
                "Preflight:MediaTools: ConvertTimeoutBase and ConvertTimeoutPerMediaSecond must be positive and at most ConvertTimeoutMax, which must be at most 1 day.")
            .ValidateOnStart();
        services.AddClosedOptions<FetchOptions>().BindConfiguration(FetchOptions.SectionName)
            .Validate(IsValidFetchOptions, "Preflight:Fetch has an invalid value (timeouts must be positive, MaxConcurrency and MaxConcurrentPerHost at least 1).")
            .ValidateOnStart();
        services.AddClosedOptions<InspectionQueueOptions>().BindConfiguration(InspectionQueueOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<InspectionQueueOptions>>(new SelfValidating<InspectionQueueOptions>(o => o.Validate()));
        services.AddClosedOptions<JobOptions>().BindConfiguration(JobOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<JobOptions>>(new SelfValidating<JobOptions>(o => o.Validate()));

        services.AddSingleton(TimeProvider.System);
        // Preflight:ProfilePaths (files or folders of user profiles) beside the built-ins; Preflight:Profile selects one.
        // A host or test may bring its own profile (registered before this call).
        services.AddSingleton(_ => ProfileCatalog.Create(ProfilePaths(configuration)));
        services.TryAddSingleton(sp => sp.GetRequiredService<ProfileCatalog>().Resolve(configuration[ProfileKey] is { Length: > 0 } name ? name : DefaultProfile));
        services.AddSingleton(sp => new MediaTools(sp.GetRequiredService<IOptions<MediaToolsOptions>>().Value));
        services.AddSingleton<Inspector>();
        services.AddSingleton<InspectFile>(sp => sp.GetRequiredService<Inspector>().InspectAsync);
        services.AddSingleton(sp => new Remediator(sp.GetRequiredService<InspectFile>(), sp.GetRequiredService<MediaTools>()));
        services.AddSingleton(sp => new UrlFetcher(sp.GetRequiredService<IOptions<FetchOptions>>().Value));
        services.AddSingleton<UrlInspector>();
        services.AddSingleton<InspectionGate>();
        services.AddSingleton<InspectionRunner>();
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<JobOptions>>().Value.ToCheckerOptions());
        services.AddPreflightStaging();

        services.AddSingleton<ToolAvailabilityCache>();
        services.AddHealthChecks()
            .AddTypeActivatedCheck<MediaToolHealthCheck>(HealthCheckNames.Ffprobe, args: true)
            .AddTypeActivatedCheck<MediaToolHealthCheck>(HealthCheckNames.Ffmpeg, args: false)
            .AddCheck<StagingHealthCheck>(HealthCheckNames.Staging);
        return services;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> when a setting is invalid; what a host does when it starts.</summary>
    public static void ValidateConfiguration(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            services.GetService<Profile>();
        }
        catch (Exception e) when (e is ProfileException or UnknownProfileException)
        {
            throw new OptionsValidationException(ProfileKey, typeof(Profile), [e.Message]);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            // Several sections are wrong: one exception that names every problem.
            var failures = e.InnerExceptions.Cast<OptionsValidationException>().ToList();
            throw new OptionsValidationException(failures[0].OptionsName, failures[0].OptionsType, failures.SelectMany(f => f.Failures));
        }
    }

    private static bool IsValidFetchOptions(FetchOptions options)
    {
        try
        {
            // The fetcher validates its own options; building one is cheap (no connection is opened).
            new UrlFetcher(options).Dispose();
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private sealed class EngineMarker;

    /// <summary>
    /// Starts from <c>PREFLIGHT_FFMPEG_DIR</c>, then binds <c>Preflight:MediaTools</c> over it: the alias applies
    /// when <c>BinaryFolder</c> is not configured, and the configured key wins when both are set.
    /// </summary>
    private sealed class MediaToolsOptionsFactory(
        IEnumerable<IConfigureOptions<MediaToolsOptions>> setups,
        IEnumerable<IPostConfigureOptions<MediaToolsOptions>> postConfigures,
        IEnumerable<IValidateOptions<MediaToolsOptions>> validations)
        : OptionsFactory<MediaToolsOptions>(setups, postConfigures, validations)
    {
        protected override MediaToolsOptions CreateInstance(string name) =>
            Environment.GetEnvironmentVariable(FfmpegDirVariable) is { Length: > 0 } folder && !string.IsNullOrWhiteSpace(folder)
                ? new MediaToolsOptions { BinaryFolder = folder }
                : new MediaToolsOptions();
    }
}
