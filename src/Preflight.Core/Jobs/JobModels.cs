using System.Text.Json;
using System.Text.Json.Serialization;
using Preflight.Core.Reports;

namespace Preflight.Core.Jobs;

/// <summary>The body of <c>POST /v1/preflight/jobs</c> and of <c>preflight job FILE.json</c>.</summary>
public sealed record JobCheckRequest
{
    public string? Endpoint { get; init; }
    public string? Plan { get; init; }
    public double? CreditsRemaining { get; init; }

    /// <summary>The rule profile to check against (HTTP: a loaded profile's name); null = the service's.</summary>
    public string? Profile { get; init; }

    /// <summary>The body the user would send to the generation API (its public v2 shape). Unknown fields are ignored.</summary>
    public JsonElement? Request { get; init; }
}

/// <summary>A job finding: like a file finding, plus <c>path</c>, a JSON pointer into <c>request</c>.</summary>
public sealed record JobFinding(
    string Code,
    Severity Severity,
    string Message,
    string? Actual = null,
    string? Limit = null,
    string? Path = null,
    string? Fix = null);

public sealed record JobEstimate(double DurationSeconds, bool DurationIsEstimate, double Credits, string Formula);

public sealed record JobReport
{
    public ToolInfo Tool { get; init; } = ToolInfo.Current;
    public required Verdict Verdict { get; init; }
    public required string Endpoint { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Plan { get; init; }

    /// <summary>The cheapest plan on which the job would pass; null when it passes on none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? MinimumPlan { get; init; }

    public required IReadOnlyList<JobFinding> Findings { get; init; }
    public required JobEstimate Estimate { get; init; }

    /// <summary>The engine's report of every distinct asset URL, <c>path</c> = the JSON pointer where it first appears.</summary>
    public required IReadOnlyList<FileReport> Assets { get; init; }
}

/// <summary>An asset URL found in a job request.</summary>
/// <param name="Pointer">JSON pointer into <c>request</c>, e.g. <c>/video_inputs/2/voice/audio_url</c>.</param>
/// <param name="Kind">The kind the request implies (audio for <c>audio_url</c>, …), or null to infer it.</param>
public sealed record JobAsset(string Url, AssetKind? Kind, string Pointer);

/// <summary>Inspects one asset URL (fetch + engine) and returns its report. Supplied by the host (API, CLI).</summary>
public delegate Task<FileReport> AssetInspector(JobAsset asset, string? plan, CancellationToken cancellationToken);
