using Preflight.Core.Inspection;
using Preflight.Core.Formats.MpegTs;
using Preflight.Core.Formats.Wav;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Remediation;

/// <summary>
/// The result of fixing one file: its check report with <c>fix</c> filled in (output still null: the caller names it),
/// and the fixed file in a private temp folder that disposing removes.
/// </summary>
public sealed class FixOutcome : IDisposable
{
    private readonly string? _tempFolder;

    internal FixOutcome(FileReport report, string? outputPath, string? outputExtension, string? tempFolder)
    {
        Report = report;
        OutputPath = outputPath;
        OutputExtension = outputExtension;
        _tempFolder = tempFolder;
    }

    public FileReport Report { get; }

    /// <summary>The file to hand on (a temp file, or the input itself for a passing file with CopyPassing); null when none.</summary>
    public string? OutputPath { get; }

    /// <summary>
    /// Whether <see cref="OutputPath"/> is this outcome's own temp file (a fixed output), which the caller may move away
    /// instead of copying; false for a passing input handed on as is (never to be moved: inputs are never modified).
    /// </summary>
    public bool OwnsOutput => _tempFolder is not null && OutputPath is not null
        && OutputPath.StartsWith(_tempFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The extension the output must carry (".mp4", ".png", …).</summary>
    public string? OutputExtension { get; }

    /// <summary>The same outcome with the input's SHA-256 put in (computed beside the fix, not before it).</summary>
    internal FixOutcome WithInputSha256(string? sha256) =>
        new(Report with { Sha256 = sha256 }, OutputPath, OutputExtension, _tempFolder);

    /// <summary>The report with <c>fix.output</c> set.</summary>
    public FileReport WithOutput(string? output) =>
        Report.Fix is null ? Report : Report with { Fix = Report.Fix with { Output = output } };

    public void Dispose()
    {
        if (_tempFolder is null) return;
        try { Directory.Delete(_tempFolder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>
/// The remediation engine: inspects a file, plans the smallest fix (<see cref="FixPlanner"/>), runs it (ffmpeg through
/// <see cref="MediaTools"/>' hardened launcher, images through ImageSharp), and re-inspects the output with the same
/// profile, plan and depth before calling it fixed. Bad files never throw; only a missing tool or cancellation escapes.
/// </summary>
public sealed class Remediator(InspectFile inspect, MediaTools mediaTools)
{
    /// <summary>
    /// A re-encode that overshot the size limit is retried once, aiming lower: below the limit by the share it overshot
    /// (and 10 % more), or at the default margin when no bitrate was aimed at the first time.
    /// </summary>
    private static double RetryMargin(FixPlan first, FileReport after, FixOptions options)
    {
        var limit = options.Profile.LimitsFor(AssetKind.Video)!.MaxBytes.Value;
        var aimed = first.Operations.Any(o => o.Op == FixOps.Bitrate);
        return aimed ? FixPlanner.DefaultSizeMargin * limit / after.SizeBytes * 0.9 : FixPlanner.DefaultSizeMargin;
    }

    public async Task<FixOutcome> FixAsync(InspectionRequest request, FixOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        // A large input's SHA-256 (the report's sha256) is a read of the whole file of its own: it runs beside planning
        // and the fix instead of before them (a 60 MB remux: ~45 ms of the ~250 ms a fix takes).
        var deferred = request.Sha256 is null;
        var report = await inspect(request with { DeferHash = deferred }, InspectionOf(options), cancellationToken);
        if (!deferred || report.Sha256 is not null)
            return await FixAsync(request, report, options, cancellationToken);

        var hashing = HashOrNullAsync(request.FilePath, cancellationToken);
        FixOutcome outcome;
        try
        {
            outcome = await FixAsync(request, report, options, cancellationToken);
        }
        catch
        {
            await ((Task)hashing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }
        string? sha256;
        try
        {
            sha256 = await hashing;
        }
        catch
        {
            outcome.Dispose();
            throw;
        }
        return outcome.WithInputSha256(sha256);
    }

    /// <summary>The file's SHA-256 on a pool thread, or null when it cannot be read (its report already says so).</summary>
    private static Task<string?> HashOrNullAsync(string path, CancellationToken cancellationToken) => Task.Run(async () =>
    {
        try { return await Hashing.Sha256FileAsync(path, cancellationToken); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return (string?)null; }
    }, cancellationToken);

    /// <summary>
    /// Fixes a file whose check report the caller already has (the worker inspected the blob before deciding), so the
    /// input is not inspected twice. <paramref name="inspected"/> must be this file's report under the same profile,
    /// plan and depth as <paramref name="options"/>; the output is still re-inspected.
    /// </summary>
    public async Task<FixOutcome> FixAsync(InspectionRequest request, FileReport inspected, FixOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(inspected);
        ArgumentNullException.ThrowIfNull(options);
        var inspection = InspectionOf(options);
        var report = inspected;
        if (report.Verdict == Verdict.Pass)
        {
            var copy = options.CopyPassing
                ? new[] { new FixOperation(FixOps.Copy, "the file already passes: copied unchanged") }
                : [];
            var passing = report with { Fix = new FixInfo { Status = FixStatus.NotNeeded, Operations = copy } };
            return new FixOutcome(passing, options.CopyPassing ? request.FilePath : null,
                options.CopyPassing ? Path.GetExtension(request.DisplayPath) : null, tempFolder: null);
        }

        var input = await GatherAsync(request, report, options, cancellationToken);
        var plan = FixPlanner.Plan(input, options);
        if (plan is NoFix none)
            return Done(report, new FixInfo { Status = none.Status, Reason = none.Reason, Needs = none.Needs });

        var folder = Directory.CreateTempSubdirectory("preflight-fix-").FullName;
        try
        {
            var attempt = await RunAndVerifyAsync(request, report, plan, folder, inspection, cancellationToken);
            // A re-encode that lands over the size limit gets one more try at a lower bitrate.
            if (attempt.After is { Verdict: Verdict.Fail } after && plan is FfmpegFix { OutputFormat: KnownFormats.Mp4 }
                && after.Findings.Any(f => f.Code == FindingCodes.FileTooLarge)
                && after.Findings.Where(f => f.Severity == Severity.Error).All(f => f.Code == FindingCodes.FileTooLarge)
                && FixPlanner.Plan(input with { SizeMargin = RetryMargin(plan, after, options) }, options) is FfmpegFix retry)
            {
                plan = retry;
                attempt = await RunAndVerifyAsync(request, report, plan, folder, inspection, cancellationToken);
            }

            var operations = plan.Operations.Concat(attempt.ExtraOperations).ToList();
            if (attempt.Problem is not null)
            {
                Delete(folder);
                return Done(report, new FixInfo { Status = FixStatus.NotFixable, Operations = operations, Reason = attempt.Problem });
            }
            if (attempt.After!.Verdict != Verdict.Pass)
            {
                Delete(folder);
                var still = attempt.After.Findings.Where(f => f.Severity == Severity.Error).Select(f => f.Message);
                return Done(report, new FixInfo
                {
                    Status = FixStatus.NotFixable,
                    Operations = operations,
                    After = FixAfter.From(attempt.After),
                    Reason = "The output still fails after fixing: " + string.Join(" ", still),
                });
            }

            var fix = new FixInfo
            {
                Status = FixStatus.Fixed,
                Operations = operations,
                After = FixAfter.From(attempt.After),
                Lost = plan is FfmpegFix { Salvage: true } salvage ? Lost(salvage, attempt.After, attempt.Warnings) : null,
            };
            return new FixOutcome(report with { Fix = fix }, attempt.OutputPath, attempt.Extension, folder);
        }
        catch
        {
            Delete(folder);
            throw;
        }
    }

    private static InspectionOptions InspectionOf(FixOptions options) =>
        new() { Profile = options.Profile, Plan = options.Plan, Deep = options.Deep };

    private sealed record Attempt(string? Problem, string? OutputPath, string? Extension, FileReport? After,
        IReadOnlyList<FixOperation> ExtraOperations, IReadOnlyList<string> Warnings);

    private async Task<Attempt> RunAndVerifyAsync(InspectionRequest request, FileReport report, FixPlan plan, string folder,
        InspectionOptions inspection, CancellationToken cancellationToken)
    {
        string? problem;
        string extension;
        IReadOnlyList<FixOperation> extra = [];
        IReadOnlyList<string> warnings = [];
        string? outputSha256 = null;
        var output = Path.Combine(folder, "fixed");
        switch (plan)
        {
            case CopyFix copy:
                extension = copy.Extension;
                output += extension;
                File.Copy(request.FilePath, output, overwrite: true);
                problem = null;
                break;
            case FfmpegFix ffmpeg:
            {
                extension = ffmpeg.Extension;
                output += extension;
                var copied = await StreamCopyAsync(request.FilePath, ffmpeg, output, cancellationToken);
                if (copied is not null)
                {
                    (problem, outputSha256) = copied.Value;
                    break;
                }
                var result = await mediaTools.ConvertAsync(new ConversionRequest(
                    request.FilePath, ffmpeg.InputFormat, ffmpeg.InputOptions, ffmpeg.OutputOptions,
                    ffmpeg.OutputFormat, output, ffmpeg.MediaSeconds), cancellationToken);
                problem = result.Problem;
                warnings = result.Warnings;
                break;
            }
            case ImageFix image:
            {
                var temp = output + ".tmp";
                var result = await ImageConversion.ConvertAsync(request.FilePath, image, temp, cancellationToken);
                extension = FileRules.PreferredExtension(inspection.Profile, result.OutputFormat);
                output += extension;
                if (result.Problem is null) File.Move(temp, output, overwrite: true);
                else if (File.Exists(temp)) File.Delete(temp);
                problem = result.Problem;
                extra = result.ExtraOperations;
                break;
            }
            default:
                throw new InvalidOperationException($"unknown plan {plan.GetType().Name}");
        }
        if (problem is not null)
            return new Attempt(problem, null, extension, null, extra, warnings);

        // The output is judged under the name it will carry, by the same engine, profile, plan and depth.
        var displayName = Path.ChangeExtension(Path.GetFileName(request.DisplayPath.Replace('\\', '/').TrimEnd('/')), extension);
        // A declared kind (an HTTP part's or a queue message's) holds for the output too: it must pass in that slot.
        var after = await inspect(new InspectionRequest(output, displayName) { DeclaredKind = request.DeclaredKind, Sha256 = outputSha256 },
            inspection, cancellationToken);
        return new Attempt(null, output, extension, after, extra, warnings);
    }

    /// <summary>
    /// A stream copy of a MOV/MP4 done in process (<see cref="Mp4StreamCopy"/>): (problem, output SHA-256), or null when
    /// it is off, not a stream copy, or a file the rewriter declines, and ffmpeg is to run.
    /// </summary>
    private async Task<(string? Problem, string? Sha256)?> StreamCopyAsync(string input, FfmpegFix plan, string output, CancellationToken cancellationToken)
    {
        if (!plan.StreamCopy || !mediaTools.Options.InProcessRemux || plan.InputFormat is not (KnownFormats.Mp4 or KnownFormats.Mov))
            return null;
        try
        {
            return await Mp4StreamCopy.TryWriteAsync(input, output, cancellationToken) is { } written ? (null, written.Sha256) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Said without the exception's text: it names this server's private temp paths.
            var what = e is UnauthorizedAccessException ? "access was denied" : "a read or write failed (the disk may be full, or the file changed)";
            return ($"The streams could not be copied into an MP4: {what}.", null);
        }
    }

    /// <summary>
    /// Media facts for planning: the check's own, or for formats the check does not probe the in-process MPEG-TS
    /// reader's (when it can answer) or ffprobe's (demuxer forced).
    /// </summary>
    private async Task<FixInput> GatherAsync(InspectionRequest request, FileReport report, FixOptions options, CancellationToken cancellationToken)
    {
        var format = report.Detected?.Format ?? KnownFormats.Unknown;
        var facts = report.Media ?? MediaFacts.Empty;
        var family = FormatFamilies.FamilyOf(format);
        var wav = format == KnownFormats.Wav ? WalkWav(request.FilePath) : null;
        var streamedWav = wav?.LengthUnknown ?? false;
        // A truncated WAV's header still says how long it was meant to be: what a salvage loses is measured against it.
        if (wav?.DeclaredSeconds is { } declared)
            facts = facts with { DurationSeconds = declared };

        var hardStop = report.Findings.Any(f => f.Code is FindingCodes.FileEmpty or FindingCodes.FileUnreadable
            or FindingCodes.ProbeFailed or FindingCodes.ProbeTimeout);
        if (family == AssetKind.Image && facts.Width is null && !hardStop && ImageConversion.CanRead(format)
            && await ImageConversion.IdentifyAsync(request.FilePath, cancellationToken) is { } size)
            return new FixInput(report, facts with { Width = size.Width, Height = size.Height }, null, streamedWav);
        var needsProbe = family is AssetKind.Video or AssetKind.Audio && !hardStop
            && (facts.DurationSeconds is null || (facts.VideoCodec is null && facts.AudioCodec is null))
            && MediaTools.CanConvertFrom(format);
        // A damaged file is probed only when it may be salvaged: without --salvage nothing more reads it.
        var corrupt = report.Findings.Any(f => f.Code == FindingCodes.FileCorrupt);
        if (!needsProbe || (corrupt && !streamedWav && !options.Salvage))
            return new FixInput(report, facts, null, streamedWav);

        // A transport stream's facts are read in process when the reader is sure of them: one ffprobe start saved.
        if (format == KnownFormats.MpegTs && MpegTsReader.Read(request.FilePath) is { } read)
            return new FixInput(report, facts.OrElse(read), null, streamedWav);

        var probe = await mediaTools.ProbeForConversionAsync(request.FilePath, format, cancellationToken);
        var problem = probe.HasErrors ? string.Join(" ", probe.Findings.Where(f => f.Severity == Severity.Error).Select(f => f.Message)) : null;
        return new FixInput(report, facts.OrElse(probe.Media), problem, streamedWav);
    }

    private static WavWalkResult? WalkWav(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
            return WavStructure.Walk(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static FixLost Lost(FfmpegFix plan, FileReport after, IReadOnlyList<string> warnings)
    {
        var kept = after.Media?.DurationSeconds;
        var errors = warnings.Count;
        if (plan.DeclaredSeconds is { } declared && kept is { } k)
        {
            var lost = Math.Max(0, Math.Round(declared - k, 3));
            return new FixLost(lost, $"{FileRules.Seconds(k)} of {FileRules.Seconds(declared)} kept; {FileRules.Seconds(lost)} could not be decoded ({errors} decoder message{(errors == 1 ? "" : "s")})");
        }
        return new FixLost(null, $"the duration before salvage is unknown; {errors} decoder message{(errors == 1 ? "" : "s")} while reading");
    }

    private static FixOutcome Done(FileReport report, FixInfo fix) => new(report with { Fix = fix }, null, null, null);

    private static void Delete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
