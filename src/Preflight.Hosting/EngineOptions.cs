using System.ComponentModel.DataAnnotations;
using Preflight.Core.Jobs;

namespace Preflight.Hosting;

/// <summary><c>Preflight:Inspection</c>: how much inspection work runs at once and how much may wait.</summary>
public sealed class InspectionQueueOptions
{
    public const string SectionName = "Preflight:Inspection";

    /// <summary>Files inspected at the same time. Inspection is CPU and I/O bound: a couple per core.</summary>
    [Range(1, 1024)]
    public int MaxConcurrent { get; set; } = 2 * Environment.ProcessorCount;

    /// <summary>Requests admitted beyond <see cref="MaxConcurrent"/> that wait their turn; more get 503.</summary>
    [Range(0, 100_000)]
    public int MaxQueue { get; set; } = 64;

    /// <summary>Whole-request budget, upload included.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>URL assets accepted in one request.</summary>
    [Range(1, 1000)]
    public int MaxAssets { get; set; } = 50;
}

/// <summary><c>Preflight:Jobs</c>: job checks (<c>POST /v1/preflight/jobs</c> and <c>preflight job</c>).</summary>
public sealed class JobOptions
{
    public const string SectionName = "Preflight:Jobs";

    /// <summary>Enterprise plans have a negotiated video length; empty = no length limit is checked on Enterprise.</summary>
    [Range(1, 7 * 24 * 3600)]
    public double? EnterpriseMaxVideoSeconds { get; set; }

    /// <summary>Asset URLs of one job fetched and inspected at once (the fetcher's and inspection's own bounds still apply).</summary>
    [Range(1, 64)]
    public int MaxConcurrentAssets { get; set; } = 4;

    /// <summary>Distinct asset URLs one job may name; more is a 400 before anything is fetched.</summary>
    [Range(1, 10_000)]
    public int MaxAssets { get; set; } = new JobCheckerOptions().MaxAssets;

    public JobCheckerOptions ToCheckerOptions() => new()
    {
        EnterpriseMaxVideoSeconds = EnterpriseMaxVideoSeconds,
        MaxConcurrentAssets = MaxConcurrentAssets,
        MaxAssets = MaxAssets,
    };
}
