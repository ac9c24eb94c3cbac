using System.Text.Json.Serialization;
using Preflight.Core.Remediation;
using Preflight.Core.Reports;

namespace Preflight.Worker;

/// <summary>The message written to the result queue for every processed request.</summary>
public sealed record WorkResult
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? CorrelationId { get; init; }

    public required string Source { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? SourceETag { get; init; }

    public required Verdict Verdict { get; init; }

    /// <summary>The rule profile the blob was checked against (the message's "profile", else the configured one).</summary>
    public string? Profile { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public StagedInfo? Staged { get; init; }

    /// <summary>URL of the report blob beside the rejected copy (failing files only).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? ReportBlob { get; init; }

    public required IReadOnlyList<Finding> Findings { get; init; }

    /// <summary>
    /// Only with <c>Preflight:Worker:AutoFix</c> (left out otherwise): what the fix engine did, in the shape of a fix
    /// report's <c>fix</c>; <c>output</c> is the staged URL of the fixed file.
    /// </summary>
    public FixInfo? Fix { get; init; }
}

/// <summary>What the poison queue receives: the original message and why it was given up.</summary>
public sealed record PoisonMessage(string Reason, long DequeueCount, string MessageId, DateTimeOffset FailedAt, string OriginalMessage)
{
    /// <summary>True when <see cref="OriginalMessage"/> is only the start of it (the entry would not fit a queue message); else absent.</summary>
    public bool? OriginalMessageTruncated { get; init; }
}

/// <summary>Build-time JSON metadata of the worker's queue messages, in the report shape (<see cref="PreflightJson.Compact"/>).</summary>
[JsonSerializable(typeof(WorkResult))]
[JsonSerializable(typeof(PoisonMessage))]
internal sealed partial class WorkerJsonContext : JsonSerializerContext;
