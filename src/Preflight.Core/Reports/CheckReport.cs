using System.Text.Json.Serialization;

namespace Preflight.Core.Reports;

public sealed record ToolInfo(string Name, string Version)
{
    /// <summary>
    /// The build's version (Directory.Build.props <c>Version</c>), written here as a constant: reading it from the
    /// assembly's metadata cost a Native AOT start about a millisecond. A test holds the two equal.
    /// </summary>
    public const string BuildVersion = "0.1.0";

    public static ToolInfo Current { get; } = new("preflight", BuildVersion);
}

public sealed record CheckSummary(int Files, int Passed, int Failed, long DurationMs);

/// <summary>The report for a set of files: what <c>preflight check --format json</c> and the HTTP API answer.</summary>
public sealed record CheckReport
{
    public ToolInfo Tool { get; init; } = ToolInfo.Current;
    public required string Profile { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Plan { get; init; }

    public required CheckSummary Summary { get; init; }
    public required IReadOnlyList<FileReport> Files { get; init; }

    /// <summary>Fix reports only: how many files each fix status got, and how many pass after fixing.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Remediation.FixSummary? Fixes { get; init; }

    public static CheckReport Create(string profile, string? plan, IReadOnlyList<FileReport> files, TimeSpan elapsed) => new()
    {
        Profile = profile,
        Plan = plan,
        Files = files,
        Summary = new CheckSummary(
            files.Count,
            files.Count(f => f.Verdict == Verdict.Pass),
            files.Count(f => f.Verdict == Verdict.Fail),
            (long)elapsed.TotalMilliseconds),
    };
}
