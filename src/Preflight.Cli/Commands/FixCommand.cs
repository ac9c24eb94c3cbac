using System.Diagnostics;
using System.Globalization;
using Preflight.Cli.Check;
using Preflight.Core.Inspection;
using Preflight.Core.Probing;
using Microsoft.Extensions.DependencyInjection;
using Preflight.Core.Remediation;
using Preflight.Core.Reports;
using Preflight.Core.Reports.Writers;
using Preflight.Core.Rules;
using Preflight.Hosting;

namespace Preflight.Cli.Commands;

/// <summary>
/// <c>preflight fix PATH... [--out DIR] [--profile NAME|FILE] [--plan P] [--trim] [--salvage] [--copy-passing] [--deep] [--format table|json]
/// [--output FILE] [--jobs N]</c>: writes a passing version of each failing file.
/// </summary>
public sealed class FixCommand : ICliCommand
{
    private const string HelpCommand = "preflight fix --help";
    public const string DefaultOut = "preflight-fixed";

    private static readonly string[] ValueOptions = ["--out", "--profile", "--plan", "--format", "--output", "--jobs"];
    private static readonly string[] FlagOptions = ["--trim", "--salvage", "--copy-passing", "--deep"];
    private static readonly string[] Formats = [ReportWriters.Table, ReportWriters.Json];

    public string Name => "fix";

    public string Summary => "Write a passing version of each failing file (remux, scale, convert, …), re-verified.";

    public string Help => $"""
        Usage: preflight fix PATH... [--out DIR] [--profile NAME|FILE] [--plan P] [--trim] [--salvage] [--copy-passing]
                             [--deep] [--format table|json] [--output FILE] [--jobs N]

        Checks each file (folders: every file in them, recursively) against a rule profile (default '{Profile.HeyGen.Name}'), plans the
        smallest set of operations that makes a failing file pass, runs them, and checks the output again with the same
        profile and plan before calling it fixed. Inputs are never modified.

        Options:
          --out DIR       Where fixed files go, under the same relative paths with the output format's extension
                          (default: ./{DefaultOut}). Files found in DIR are not checked when DIR is inside an input
                          folder (a file named as PATH is).
          --profile P     The rule profile: {string.Join(", ", ProfileCatalog.BuiltIn.Names)}, a user profile's name
                          (Preflight:ProfilePaths) or a profile FILE. 'preflight profiles list' shows them.
          --plan P        Also meet a plan's video limits ({Profile.HeyGen.Name}: {string.Join(", ", Profile.HeyGen.PlanOrder)}).
          --trim          May cut audio to the duration limit and video to the plan's length (the rest is dropped).
          --salvage       May keep the decodable part of a damaged file (what is lost is reported).
          --copy-passing  Copy files that already pass into DIR too, so DIR is a complete set.
          --deep          Check inputs and outputs by decoding everything (slower).
          --format F      Report format: table (default) or json.
          --output FILE   Write the report to FILE (replaced only when complete) instead of standard output.
          --jobs N        Files fixed at once (default: the number of cores, {Environment.ProcessorCount} here).
          -h, --help      Show this help.

        Each file's report gains 'fix': status fixed | not_needed | needs_option | not_fixable, the output path
        (relative to DIR), the operations, what a salvage lost, the output's own check ('after') and the reason.

        Exit codes: 0 every file passes after fixing, 1 some file still fails, 2 usage or setup error, 130 interrupted.

        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken)
    {
        var (commandArgs, configurationArgs) = CliHost.SplitArgs(args);
        var parsed = ArgParser.Parse(commandArgs, ValueOptions, FlagOptions, HelpCommand);
        if (parsed.Help)
        {
            await context.Out.WriteAsync(Help);
            return ExitCodes.Pass;
        }

        var settings = Validate(parsed, context);
        // --profile sets the configuration key, so it wins over every source (as in `check`).
        var overrides = new List<KeyValuePair<string, string?>>();
        if (parsed.Value("--profile") is { } profileName) overrides.Add(new(PreflightEngine.ProfileKey, profileName));
        await using var engine = CliHost.Engine(CliHost.Configuration(configurationArgs, overrides), context);
        var profile = engine.GetRequiredService<Profile>();
        CommonOptions.CheckPlanOf(profile, settings.Options.Plan, parsed, HelpCommand);
        settings = settings with { Options = settings.Options with { Profile = profile } };
        var remediator = engine.GetRequiredService<Remediator>();
        var clock = Stopwatch.StartNew();
        var collected = FileCollector.Collect(parsed.Positionals, context.WorkingDirectory, context.Error);
        RefuseOverwritingInputs(parsed.Positionals, collected, settings.Out, context.WorkingDirectory);
        var inputs = WithoutOutputFolder(
            ReportFile.WithoutReport(settings.Output, context.WorkingDirectory, collected, parsed.Positionals, HelpCommand),
            parsed.Positionals, settings.Out, context.WorkingDirectory);
        if (inputs.Count == 0) throw new CliSetupException($"no files to fix: every file found is inside --out '{settings.Out}'");

        await using var reportFile = settings.Output is null ? null : ReportFile.Create(settings.Output, context.WorkingDirectory);
        var reports = await FixAllAsync(remediator, inputs, settings, context, cancellationToken);
        var report = CheckReport.Create(settings.Options.Profile.Name, settings.Options.Plan, reports, clock.Elapsed) with
        {
            Fixes = FixSummary.Of(reports),
        };

        await CommonOptions.WriteReportAsync(report, settings.Format, reportFile, context, cancellationToken);
        return report.Fixes.FailingAfter > 0 ? ExitCodes.Fail : ExitCodes.Pass;
    }

    private sealed record Settings(FixOptions Options, string Out, string Format, string? Output, int Jobs);

    private static Settings Validate(ParsedArgs parsed, CliContext context)
    {
        var profile = Profile.HeyGen;
        if (parsed.Positionals.Count == 0) throw new CliUsageException("missing PATH: give at least one file or folder to fix", HelpCommand);

        var plan = CommonOptions.Plan(parsed);

        var format = CommonOptions.Format(parsed, Formats, HelpCommand);

        var jobs = CommonOptions.Jobs(parsed, HelpCommand);

        var outDir = Path.GetFullPath(parsed.Value("--out") ?? DefaultOut, context.WorkingDirectory);
        CheckOutWritable(parsed.Value("--out") ?? DefaultOut, outDir);

        var options = new FixOptions
        {
            Profile = profile,
            Plan = plan,
            Deep = parsed.Has("--deep"),
            Trim = parsed.Has("--trim"),
            Salvage = parsed.Has("--salvage"),
            CopyPassing = parsed.Has("--copy-passing"),
        };
        return new Settings(options, outDir, format, parsed.Value("--output"), jobs);
    }

    /// <summary>
    /// --out must be a folder that can be written, or be creatable: checked before any file is fixed, so an unwritable
    /// --out is one setup error rather than every fix run and then lost. Nothing is created here (a run with nothing to
    /// write leaves no folder behind).
    /// </summary>
    private static void CheckOutWritable(string given, string outDir)
    {
        if (File.Exists(outDir)) throw new CliSetupException($"--out '{given}' is a file, not a folder");
        var existing = outDir;
        while (!Directory.Exists(existing))
        {
            if (File.Exists(existing) || new FileInfo(existing).LinkTarget is not null)
                throw new CliSetupException($"cannot create --out '{given}': '{existing}' is not a folder");
            existing = Path.GetDirectoryName(existing);
            if (existing is null) return;
        }
        if ((OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) && Access(existing, WriteAndSearch) != 0)
        {
            throw new CliSetupException(existing == outDir
                ? $"cannot write to --out '{given}': permission denied"
                : $"cannot create --out '{given}': folder '{existing}' is not writable");
        }
    }

    private const int WriteAndSearch = 2 | 1; // W_OK | X_OK

    // DllImport rather than LibraryImport: the generated marshaller needs unsafe code, which the build does not allow.
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "access", SetLastError = true)]
    private static extern int Access([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int mode);

    /// <summary>
    /// A --out folder inside an input folder holds earlier outputs: the files found there by walking a folder are not
    /// inputs. A file named on the command line is always one, wherever it is.
    /// </summary>
    private static List<InputFile> WithoutOutputFolder(IReadOnlyList<InputFile> inputs, IReadOnlyList<string> given, string outDir, string workingDirectory)
    {
        if (!Directory.Exists(outDir)) return [.. inputs];
        var real = FileCollector.RealPath(outDir) + Path.DirectorySeparatorChar;
        var named = FileCollector.NamedFiles(given, workingDirectory);
        return inputs.Where(i => named.Contains(i.FullPath) || !FileCollector.RealPathOrFull(i.FullPath).StartsWith(real, StringComparison.Ordinal)).ToList();
    }

    /// <summary>Outputs go beside their relative path under --out: --out must not be a folder that holds inputs directly.</summary>
    private static void RefuseOverwritingInputs(IReadOnlyList<string> given, IReadOnlyList<InputFile> inputs, string outDir, string workingDirectory)
    {
        var realOut = Directory.Exists(outDir) ? FileCollector.RealPath(outDir) : Path.GetFullPath(outDir);
        foreach (var path in given)
        {
            var full = Path.GetFullPath(path, workingDirectory);
            if (Directory.Exists(full) && FileCollector.RealPathOrFull(full) == realOut)
                throw new CliUsageException($"--out '{outDir}' is the input folder '{path}': outputs would go over the inputs; choose another folder", HelpCommand);
        }
        foreach (var input in inputs)
        {
            var destination = Path.GetFullPath(Path.Join(realOut, FixOutputNames.OutputRelativePath(input.DisplayPath, Path.GetExtension(input.DisplayPath))));
            if (destination == FileCollector.RealPathOrFull(input.FullPath))
                throw new CliUsageException($"--out '{outDir}' would put outputs over the inputs ('{input.DisplayPath}'): choose another folder", HelpCommand);
        }
    }

    private static async Task<FileReport[]> FixAllAsync(Remediator remediator, IReadOnlyList<InputFile> inputs, Settings settings, CliContext context, CancellationToken cancellationToken)
    {
        var reports = new FileReport[inputs.Count];
        var names = new FixOutputNames(inputs.Select(i => i.DisplayPath).ToArray());
        var progress = new ProgressLine(context.Error, context.Interactive, inputs.Count);
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = settings.Jobs, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, inputs.Count), parallel, async (index, ct) =>
            {
                try
                {
                    reports[index] = await FixOneAsync(remediator, inputs[index], index, settings, names, ct);
                }
                finally
                {
                    // No output, unfixable or failed: later inputs that could have wanted the same name stop waiting.
                    names.Settle(index);
                }
                progress.Completed(inputs[index].DisplayPath);
            });
        }
        finally
        {
            progress.Clear();
        }
        return reports;
    }

    private static async Task<FileReport> FixOneAsync(Remediator remediator, InputFile input, int index, Settings settings,
        FixOutputNames names, CancellationToken cancellationToken)
    {
        if (SpecialFiles.WhyNotRead(input.FullPath, "This is a named pipe (FIFO), not a file: it was not read.") is { } why)
            return Unfixed(input, settings, FindingCodes.FileUnreadable, why);
        try
        {
            using var outcome = await remediator.FixAsync(new InspectionRequest(input.FullPath, input.DisplayPath), settings.Options, cancellationToken);
            if (outcome.OutputPath is null)
                return outcome.Report;
            var relative = await names.ClaimAsync(index, outcome.OutputExtension!, cancellationToken);
            if (relative is null)
                return NotWritten(outcome.Report,
                    $"The fixed file was not written: '{FixOutputNames.OutputRelativePath(input.DisplayPath, outcome.OutputExtension!)}' would go in a folder that is already an earlier input's output file.");
            try
            {
                await WriteAtomicallyAsync(outcome.OutputPath, Path.Join(settings.Out, relative), outcome.OwnsOutput, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The file was checked and fixed: its report stays, saying why the output is missing.
                return NotWritten(outcome.Report, $"The fixed file could not be written to '{relative}' under --out: {e.Message.ReplaceLineEndings(" ").TrimEnd()}");
            }
            return outcome.WithOutput(relative);
        }
        catch (Exception e) when (e is not (MissingToolException or OperationCanceledException))
        {
            return Unfixed(input, settings, FindingCodes.ProbeFailed,
                $"Preflight could not fix this file ({e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}).");
        }
    }

    /// <summary>
    /// Moved (a fixed output on the same file system: a rename, no second write of a 60 MB video) or copied to a hidden
    /// temp name beside the destination, then renamed: a half-written output never exists. Inputs are only ever copied.
    /// </summary>
    private static async Task WriteAtomicallyAsync(string source, string destination, bool movable, CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(destination)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Join(folder, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (movable && TryMove(source, temp))
            {
                File.Move(temp, destination, overwrite: true);
                return;
            }
            await using (var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous))
            await using (var to = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await from.CopyToAsync(to, cancellationToken);
            }
            File.Move(temp, destination, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>A rename; false when the two paths are on different file systems (or the move fails otherwise).</summary>
    private static bool TryMove(string source, string destination)
    {
        try
        {
            File.Move(source, destination);
            return true;
        }
        catch (IOException)
        {
            // EXDEV and friends: File.Move may have copied part of it before failing; the copy below starts afresh.
            if (File.Exists(destination) && File.Exists(source)) File.Delete(destination);
            return false;
        }
    }

    /// <summary>A fixed output that was not written (no place under --out, or the write failed): the report stays, with the reason.</summary>
    private static FileReport NotWritten(FileReport report, string reason) => report with
    {
        Fix = report.Fix! with
        {
            Status = FixStatus.NotFixable,
            Output = null,
            Reason = reason,
        },
    };

    private static FileReport Unfixed(InputFile input, Settings settings, string code, string message) => new()
    {
        Path = input.DisplayPath,
        Kind = settings.Options.Profile.KindFromExtension(Path.GetExtension(input.DisplayPath)),
        Verdict = Verdict.Fail,
        Findings = [Finding.Error(code, message)],
        Fix = new FixInfo { Status = FixStatus.NotFixable, Reason = message },
    };
}
