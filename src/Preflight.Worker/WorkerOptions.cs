using Microsoft.Extensions.Configuration;

namespace Preflight.Worker;

/// <summary>Configuration section <c>Preflight:Worker</c> (env <c>Preflight__Worker__Xxx</c>).</summary>
public sealed class WorkerOptions
{
    public const string Section = "Preflight:Worker";

    /// <summary>Run the stage inside <c>preflight serve</c> too.</summary>
    public bool Enabled { get; set; }

    /// <summary>Storage account of the queues and the uploads; defaults to <c>Preflight:Staging:ConnectionString</c>.</summary>
    public string? ConnectionString { get; set; }

    public string RequestQueue { get; set; } = "preflight-requests";
    public string ResultQueue { get; set; } = "preflight-results";
    public string RejectedContainer { get; set; } = "preflight-rejected";

    /// <summary>Messages processed at once by this worker process.</summary>
    public int Concurrency { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>How long a received message stays invisible to other workers; a crash returns it after this.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>After this many deliveries a still-failing message goes to the poison queue.</summary>
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Pause between polls of an empty queue.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The retry delay used when none is configured, as long as the visibility timeout allows it.</summary>
    public static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>Preflight:Worker:RetryDelay</c> as configured, or null when it is not set. A separate nullable property because
    /// the configuration binder writes a TimeSpan property back even when its key is absent, which would make every
    /// derived default look explicit.
    /// </summary>
    [ConfigurationKeyName(nameof(RetryDelay))]
    public TimeSpan? ConfiguredRetryDelay { get; set; }

    /// <summary>
    /// Delay before a failed message becomes visible again (then it is retried). Unless configured it is
    /// <see cref="DefaultRetryDelay"/> capped at half the visibility timeout, so a short visibility timeout alone
    /// never makes the worker refuse to start; a configured value over the visibility timeout is a start-up error.
    /// </summary>
    public TimeSpan RetryDelay => ConfiguredRetryDelay ?? Min(DefaultRetryDelay, VisibilityTimeout / 2);

    /// <summary>How often a worker with traffic logs its counters.</summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Folder for private temp copies of blobs being inspected; default: the system temp folder.</summary>
    public string? TempPath { get; set; }

    /// <summary>
    /// Fix a failing upload when the fix engine can (issue 15): the fixed file is re-inspected, staged like a passing
    /// one, and the result message gains <c>fix</c>. The original still goes to the rejected container with its report.
    /// </summary>
    public bool AutoFix { get; set; }

    /// <summary>With <see cref="AutoFix"/>: may cut audio to the duration limit and video to the plan's length (as <c>fix --trim</c>).</summary>
    public bool AutoFixTrim { get; set; }

    /// <summary>With <see cref="AutoFix"/>: may keep the decodable part of a damaged file (as <c>fix --salvage</c>).</summary>
    public bool AutoFixSalvage { get; set; }

    public string PoisonQueue => RequestQueue + "-poison";

    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
            return "Preflight:Worker:ConnectionString (or Preflight:Staging:ConnectionString) must be set: the worker reads an Azure Storage queue.";
        if (Concurrency is < 1 or > 64) return "Preflight:Worker:Concurrency must be between 1 and 64.";
        if (MaxDequeueCount is < 1 or > 100) return "Preflight:Worker:MaxDequeueCount must be between 1 and 100.";
        if (VisibilityTimeout < TimeSpan.FromSeconds(1) || VisibilityTimeout > TimeSpan.FromDays(7))
            return "Preflight:Worker:VisibilityTimeout must be between 1 second and 7 days.";
        if (MetricsInterval < TimeSpan.FromSeconds(1)) return "Preflight:Worker:MetricsInterval must be at least 1 second.";
        if (RetryDelay < TimeSpan.Zero || RetryDelay > VisibilityTimeout)
            return $"Preflight:Worker:RetryDelay ({RetryDelay:c}) must be between 0 and the visibility timeout ({VisibilityTimeout:c}).";
        return null;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
