using System.ComponentModel.DataAnnotations;
using Preflight.Core.Jobs;

namespace Preflight.Api.Hosting;

/// <summary><c>Preflight:ApiKeys</c> (an array). Empty = the service is open (local use, tests).</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "Preflight:ApiKeys";
    public const string HeaderName = "X-Api-Key";

    public IReadOnlyList<string> Keys { get; set; } = [];

    public bool Enabled => Keys.Count > 0;
}

/// <summary><c>Preflight:RateLimit</c>: a fixed window per API key (or per client IP when no keys are configured).</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Preflight:RateLimit";

    /// <summary>Requests allowed per window and client; 0 turns rate limiting off.</summary>
    [Range(0, int.MaxValue)]
    public int PermitLimit { get; set; } = 600;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

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

/// <summary><c>Preflight:Upload</c>: where uploads are streamed to and how slow a client may be.</summary>
public sealed class UploadOptions
{
    public const string SectionName = "Preflight:Upload";

    /// <summary>Root for private per-request temp folders; empty = the system temp folder + <c>preflight-uploads</c>.</summary>
    public string TempFolder { get; set; } = "";

    /// <summary>Added to the largest kind's size limit for the multipart framing (boundaries, part headers).</summary>
    [Range(0, 1L << 30)]
    public long MultipartOverheadBytes { get; set; } = 1024 * 1024;

    /// <summary>Overrides the body limit computed from the profile (0 = computed). Lets tests use tiny limits.</summary>
    [Range(0, long.MaxValue)]
    public long MaxBodyBytes { get; set; }

    [Range(1, 1000)]
    public int MaxFiles { get; set; } = 20;

    /// <summary>Slow-upload protection: a client sending less than this after the grace period is cut off.</summary>
    [Range(1, double.MaxValue)]
    public double MinBytesPerSecond { get; set; } = 4096;

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan MinRateGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    public string ResolvedTempFolder => string.IsNullOrWhiteSpace(TempFolder)
        ? Path.Combine(Path.GetTempPath(), "preflight-uploads")
        : Path.GetFullPath(TempFolder);
}

/// <summary><c>Preflight:Jobs</c>: settings of <c>POST /v1/preflight/jobs</c>.</summary>
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
}
