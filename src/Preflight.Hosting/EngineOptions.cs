using Microsoft.Extensions.Options;
using Preflight.Core.Jobs;

namespace Preflight.Hosting;

/// <summary><c>Preflight:Inspection</c>: how much inspection work runs at once and how much may wait.</summary>
public sealed class InspectionQueueOptions
{
    public const string SectionName = "Preflight:Inspection";

    /// <summary>Files inspected at the same time. Inspection is CPU and I/O bound: a couple per core.</summary>
    public int MaxConcurrent { get; set; } = 2 * Environment.ProcessorCount;

    /// <summary>Requests admitted beyond <see cref="MaxConcurrent"/> that wait their turn; more get 503.</summary>
    public int MaxQueue { get; set; } = 64;

    /// <summary>Whole-request budget, upload included.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>URL assets accepted in one request.</summary>
    public int MaxAssets { get; set; } = 50;

    /// <summary>What is wrong with these settings, or null.</summary>
    public string? Validate()
    {
        if (MaxConcurrent is < 1 or > 1024) return $"{SectionName}:MaxConcurrent must be between 1 and 1024.";
        if (MaxQueue is < 0 or > 100_000) return $"{SectionName}:MaxQueue must be between 0 and 100000.";
        if (RequestTimeout < TimeSpan.FromSeconds(1) || RequestTimeout > TimeSpan.FromDays(1))
            return $"{SectionName}:RequestTimeout must be between 1 second and 1 day.";
        if (MaxAssets is < 1 or > 1000) return $"{SectionName}:MaxAssets must be between 1 and 1000.";
        return null;
    }
}

/// <summary><c>Preflight:Jobs</c>: job checks (<c>POST /v1/preflight/jobs</c> and <c>preflight job</c>).</summary>
public sealed class JobOptions
{
    public const string SectionName = "Preflight:Jobs";

    /// <summary>Enterprise plans have a negotiated video length; empty = no length limit is checked on Enterprise.</summary>
    public double? EnterpriseMaxVideoSeconds { get; set; }

    /// <summary>Asset URLs of one job fetched and inspected at once (the fetcher's and inspection's own bounds still apply).</summary>
    public int MaxConcurrentAssets { get; set; } = 4;

    /// <summary>Distinct asset URLs one job may name; more is a 400 before anything is fetched.</summary>
    public int MaxAssets { get; set; } = new JobCheckerOptions().MaxAssets;

    /// <summary>What is wrong with these settings, or null.</summary>
    public string? Validate()
    {
        if (EnterpriseMaxVideoSeconds is { } enterprise && (double.IsNaN(enterprise) || enterprise < 1 || enterprise > 7 * 24 * 3600))
            return $"{SectionName}:EnterpriseMaxVideoSeconds must be between 1 and 604800 (seconds), or empty.";
        if (MaxConcurrentAssets is < 1 or > 64) return $"{SectionName}:MaxConcurrentAssets must be between 1 and 64.";
        if (MaxAssets is < 1 or > 10_000) return $"{SectionName}:MaxAssets must be between 1 and 10000.";
        return null;
    }

    public JobCheckerOptions ToCheckerOptions() => new()
    {
        EnterpriseMaxVideoSeconds = EnterpriseMaxVideoSeconds,
        MaxConcurrentAssets = MaxConcurrentAssets,
        MaxAssets = MaxAssets,
    };
}

/// <summary>
/// Validates options that say themselves what is wrong with them (a plain method instead of data annotations, whose
/// validation needs reflection the Native AOT CLI doesn't have). The message names the configuration key.
/// </summary>
public sealed class SelfValidating<TOptions>(Func<TOptions, string?> validate) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options) =>
        validate(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
