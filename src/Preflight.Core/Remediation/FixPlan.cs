namespace Preflight.Core.Remediation;

/// <summary>What the planner decided for one failing file.</summary>
internal abstract record FixPlan
{
    public IReadOnlyList<FixOperation> Operations { get; init; } = [];
}

/// <summary>Nothing is run: the file needs an option the user did not give (<paramref name="Needs"/>), or cannot be fixed.</summary>
internal sealed record NoFix(FixStatus Status, string Reason, string? Needs = null) : FixPlan;

/// <summary>The bytes are right, only the name is not: written unchanged under the right extension.</summary>
internal sealed record CopyFix(string OutputFormat, string Extension) : FixPlan;

/// <summary>One ffmpeg run (demuxer forced from <see cref="InputFormat"/>), then the output is re-inspected.</summary>
/// <param name="DeclaredSeconds">The input's duration before a salvage: what was lost is measured against it.</param>
/// <param name="StreamCopy">Every stream is copied (a remux or faststart): an ISO BMFF input may be rewritten in process.</param>
internal sealed record FfmpegFix(
    string InputFormat,
    string OutputFormat,
    string Extension,
    string InputOptions,
    string OutputOptions,
    double? MediaSeconds,
    bool Salvage,
    double? DeclaredSeconds,
    bool StreamCopy = false) : FixPlan;

/// <summary>An ImageSharp decode and encode (through the bounded conversion configuration).</summary>
/// <param name="MaxSide">Downscale so neither side exceeds this (null: keep the size).</param>
/// <param name="JpegIfTooLarge">Write a JPEG instead when the PNG would exceed this many bytes.</param>
internal sealed record ImageFix(string InputFormat, string OutputFormat, int? MaxSide, long? JpegIfTooLarge, int JpegQuality) : FixPlan;
