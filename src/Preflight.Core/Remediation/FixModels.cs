using System.Text.Json.Serialization;
using Preflight.Core.Reports;
using Preflight.Core.Rules;

namespace Preflight.Core.Remediation;

[JsonConverter(typeof(JsonStringEnumConverter<FixStatus>))]
public enum FixStatus
{
    /// <summary>The output was written and passes the same profile (and plan) on re-inspection.</summary>
    [JsonStringEnumMemberName("fixed")] Fixed,
    /// <summary>The input already passes: nothing to do.</summary>
    [JsonStringEnumMemberName("not_needed")] NotNeeded,
    /// <summary>Fixable, but only by losing something the user must ask for (trim, salvage: <see cref="LossyOptionNames"/>).</summary>
    [JsonStringEnumMemberName("needs_option")] NeedsOption,
    /// <summary>Nothing Preflight can do makes this file pass; the reason says why.</summary>
    [JsonStringEnumMemberName("not_fixable")] NotFixable,
}

/// <summary>The stable operation names (<c>fix.operations[].op</c>). Scripts may read them: never rename one.</summary>
public static class FixOps
{
    public const string Copy = "copy";
    public const string Rename = "rename";
    public const string Remux = "remux";
    public const string Faststart = "faststart";
    public const string Transcode = "transcode";
    public const string Scale = "scale";
    public const string Bitrate = "bitrate";
    public const string ImageConvert = "image_convert";
    public const string ImageScale = "image_scale";
    public const string AudioConvert = "audio_convert";
    public const string WavHeader = "wav_header";
    public const string Trim = "trim";
    public const string Salvage = "salvage";
}

public sealed record FixOperation(string Op, string Detail);

/// <summary>What a <c>--salvage</c> fix dropped.</summary>
public sealed record FixLost(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Seconds,
    string Detail);

/// <summary>The re-inspection of the output: the same facts a check report gives.</summary>
public sealed record FixAfter(Verdict Verdict, long SizeBytes, string? Sha256, MediaFacts? Media, IReadOnlyList<Finding> Findings)
{
    public static FixAfter From(FileReport report) =>
        new(report.Verdict, report.SizeBytes, report.Sha256, report.Media, report.Findings);
}

/// <summary>The <c>fix</c> member of a file report (fix reports only). Every member is always written, null or not.</summary>
public sealed record FixInfo
{
    public required FixStatus Status { get; init; }

    /// <summary>The output's path relative to the output folder (CLI) or its URL (HTTP); null when nothing was written.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Output { get; init; }

    public IReadOnlyList<FixOperation> Operations { get; init; } = [];

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public FixLost? Lost { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public FixAfter? After { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Reason { get; init; }

    /// <summary>
    /// For needs_option: the option that would fix the file, named as its operation (<see cref="FixOps.Trim"/> or
    /// <see cref="FixOps.Salvage"/>), so a page or a script can offer it without reading <see cref="Reason"/>; else null.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Needs { get; init; }
}

/// <summary>How much a fix may do.</summary>
public sealed record FixOptions
{
    public Profile Profile { get; init; } = Profile.HeyGen;

    /// <summary>free | pro | scale | enterprise, or null for the resource limits alone.</summary>
    public string? Plan { get; init; }

    /// <summary>Inspect the input and re-inspect the output in deep mode (full decode).</summary>
    public bool Deep { get; init; }

    /// <summary>May cut audio to the duration limit and video to the plan's length.</summary>
    public bool Trim { get; init; }

    /// <summary>May keep the decodable part of a corrupt file.</summary>
    public bool Salvage { get; init; }

    /// <summary>Hand back a copy of inputs that already pass (so an output folder is a complete set).</summary>
    public bool CopyPassing { get; init; }

    /// <summary>How the face that asks names <see cref="Trim"/> and <see cref="Salvage"/>, for a needs_option reason.</summary>
    public LossyOptionNames AskWith { get; init; } = LossyOptionNames.Cli;
}

/// <summary>
/// The names a user gives the two options that lose something, in the face they use: a needs_option reason tells
/// them what to ask for, and "--trim" means nothing to an HTTP client or a worker's configuration.
/// </summary>
public sealed record LossyOptionNames(string Trim, string Salvage)
{
    public static LossyOptionNames Cli { get; } = new("--trim", "--salvage");

    public static LossyOptionNames Http { get; } = new("trim=true", "salvage=true");

    public static LossyOptionNames Worker { get; } = new("Preflight:Worker:AutoFixTrim=true", "Preflight:Worker:AutoFixSalvage=true");
}

/// <summary>Counts of fix statuses in a fix report.</summary>
public sealed record FixSummary(int Fixed, int NotNeeded, int NeedsOption, int NotFixable, int PassingAfter, int FailingAfter)
{
    public static FixSummary Of(IReadOnlyList<FileReport> files)
    {
        var fixes = files.Select(f => f.Fix).OfType<FixInfo>().ToList();
        var passing = files.Count(PassesAfterFixing);
        return new FixSummary(
            fixes.Count(f => f.Status == FixStatus.Fixed),
            fixes.Count(f => f.Status == FixStatus.NotNeeded),
            fixes.Count(f => f.Status == FixStatus.NeedsOption),
            fixes.Count(f => f.Status == FixStatus.NotFixable),
            passing,
            files.Count - passing);
    }

    /// <summary>The file passes as it was, or its fixed output passes.</summary>
    public static bool PassesAfterFixing(FileReport file) =>
        file.Verdict == Verdict.Pass || file.Fix is { Status: FixStatus.Fixed, After.Verdict: Verdict.Pass };
}
