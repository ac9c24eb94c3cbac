using System.Diagnostics;
using System.Globalization;
using Preflight.Cli.Check;
using Preflight.Core.Inspection;
using Preflight.Core.Probing;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.Core.Reports.Writers;
using Preflight.Core.Rules;
using Preflight.Staging;
using Microsoft.Extensions.Configuration;

namespace Preflight.Cli.Commands;

/// <summary><c>preflight check PATH... [--plan P] [--deep] [--format table|json|junit] [--output FILE] [--jobs N] [--cache DIR|--no-cache]</c>, or <c>--watch DIR</c>.</summary>
public sealed class CheckCommand : ICliCommand
{
    private const string HelpCommand = "preflight check --help";
    private const int MaxJobs = 1024;

    private static readonly string[] ValueOptions =
        ["--plan", "--format", "--output", "--jobs", "--staging-connection-string", "--cache", "--watch", "--pass-dir", "--fail-dir", "--settle"];
    private static readonly string[] FlagOptions = ["--deep", "--stage", "--no-cache"];

    public string Name => "check";

    public string Summary => "Inspect media files and folders; report what the upload API would reject.";

    public string Help => $"""
        Usage: preflight check PATH... [--plan P] [--deep] [--format table|json|junit] [--output FILE] [--jobs N]
                               [--stage [--staging-connection-string CS]] [--cache DIR | --no-cache]
               preflight check --watch DIR [--pass-dir P] [--fail-dir F] [--settle 2s] [--format table|json] [options]

        Inspects each file (folders: every file in them, recursively) against the '{Profile.HeyGen.Name}' profile:
        real format from the bytes, size, dimensions, duration, corruption.

        Options:
          --plan P        Also apply a plan's video limits: {string.Join(", ", Profile.HeyGen.PlanOrder)}.
          --deep          Decode everything (slower; needs ffmpeg): catches damage in the middle of the data.
          --format F      Report format: table (default), json or junit.
          --output FILE   Write the report to FILE (replaced only when complete) instead of standard output.
          --jobs N        Files checked at once (default: the number of cores, {Environment.ProcessorCount} here).
          --stage         Copy every passing file to the staging store and report its URL ('staged').
                          Store from Preflight__Staging__* environment variables: Azure Blob Storage when
                          Preflight__Staging__ConnectionString is set, else the local folder ./.preflight/staged
                          (served by 'preflight serve' at /staged/NAME).
          --staging-connection-string CS   Azure Storage connection string for --stage (overrides the variable).
          --cache DIR     Verdict cache folder (default: $XDG_CACHE_HOME/preflight, else ~/.cache/preflight).
                          An unchanged file (same path, inode, size, times) is not read again; the same bytes
                          under the same name are not inspected again. Cached entries say "cached": true.
          --no-cache      Neither read nor write the cache.
          --watch DIR     Keep watching DIR: check each new or changed file once it has stopped changing, print
                          one line per verdict (a JSON object with --format json). Stop with Ctrl-C (exit 130).
          --pass-dir P    With --watch: move passing files to P (same relative path).
          --fail-dir F    With --watch: move failing files to F, each with NAME.preflight.json beside it.
          --settle T      With --watch: how long a file must stay unchanged before it is checked
                          (default 2s; e.g. 500ms, 2s, 1m).
          -h, --help      Show this help.

        Paths in the report are relative to the folder given, or as given for files.

        Exit codes: 0 every file passes, 1 some file fails, 2 usage or setup error, 130 interrupted.

        Environment:
          {CliContext.FfmpegDirVariable}   Folder holding ffprobe and ffmpeg (default: search PATH).

        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken)
    {
        var parsed = ArgParser.Parse(args, ValueOptions, FlagOptions, HelpCommand);
        if (parsed.Help)
        {
            await context.Out.WriteAsync(Help);
            return ExitCodes.Pass;
        }

        var settings = Validate(parsed, context);
        if (settings.Watch is not null) return await WatchAsync(settings, context, cancellationToken);
        var clock = Stopwatch.StartNew();
        var inputs = FileCollector.Collect(parsed.Positionals, context.WorkingDirectory, context.Error);

        await using var reportFile = settings.Output is null ? null : ReportFile.Create(settings.Output, context.WorkingDirectory);
        var reports = await InspectAllAsync(inputs, settings, context, cancellationToken);
        var report = CheckReport.Create(settings.Profile.Name, settings.Plan, reports, clock.Elapsed);

        var writer = ReportWriters.For(settings.Format, new TableWriterOptions { Color = context.Color && reportFile is null })!;
        if (reportFile is null)
        {
            await writer.WriteAsync(report, context.Out, cancellationToken);
        }
        else
        {
            await writer.WriteAsync(report, reportFile.Writer, cancellationToken);
            await reportFile.CommitAsync(cancellationToken);
        }

        return report.Summary.Failed > 0 ? ExitCodes.Fail : ExitCodes.Pass;
    }

    private sealed record Settings(Profile Profile, string? Plan, bool Deep, string Format, string? Output, int Jobs, Stager? Stager, string? PublicBaseUrl)
    {
        public CheckCache? Cache { get; init; }
        public WatchSettings? Watch { get; init; }
    }

    private static Settings Validate(ParsedArgs parsed, CliContext context)
    {
        var profile = Profile.HeyGen;
        var watch = CheckArgs.Watch(parsed, context, HelpCommand);
        if (parsed.Positionals.Count == 0 && watch is null) throw new CliUsageException("missing PATH: give at least one file or folder to check", HelpCommand);

        var plan = parsed.Value("--plan")?.ToLowerInvariant();
        if (plan is not null && !profile.IsKnownPlan(plan))
        {
            throw new CliUsageException($"unknown plan '{parsed.Value("--plan")}': use one of {string.Join(", ", profile.PlanOrder)}", HelpCommand);
        }

        var format = parsed.Value("--format")?.ToLowerInvariant() ?? ReportWriters.Table;
        if (!ReportWriters.Formats.Contains(format))
        {
            throw new CliUsageException($"unknown format '{parsed.Value("--format")}': use one of {string.Join(", ", ReportWriters.Formats)}", HelpCommand);
        }

        var jobs = Environment.ProcessorCount;
        if (parsed.Value("--jobs") is { } jobsText)
        {
            if (!int.TryParse(jobsText, NumberStyles.None, CultureInfo.InvariantCulture, out jobs) || jobs < 1 || jobs > MaxJobs)
            {
                throw new CliUsageException($"bad --jobs '{jobsText}': give a whole number from 1 to {MaxJobs}", HelpCommand);
            }
        }

        if (parsed.Value("--staging-connection-string") is not null && !parsed.Has("--stage"))
            throw new CliUsageException("--staging-connection-string needs --stage", HelpCommand);
        var (stager, baseUrl) = parsed.Has("--stage") ? CreateStager(profile, parsed.Value("--staging-connection-string")) : (null, null);

        if (watch is not null && (format == ReportWriters.JUnit || parsed.Value("--output") is not null))
            throw new CliUsageException("--watch prints one line per file: use --format table or json, without --output", HelpCommand);

        var roots = watch is null ? parsed.Positionals.Select(p => Path.GetFullPath(p, context.WorkingDirectory)).ToList() : [watch.Folder];
        return new Settings(profile, plan, parsed.Has("--deep"), format, parsed.Value("--output"), jobs, stager, baseUrl)
        {
            Cache = CheckArgs.Cache(parsed, context, roots, HelpCommand),
            Watch = watch is null ? null : watch with { Jobs = jobs },
        };
    }

    /// <summary>The same Preflight:Staging keys as the service, read from the environment.</summary>
    private static (Stager, string) CreateStager(Profile profile, string? connectionString)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var options = new StagingOptions();
        configuration.GetSection(StagingOptions.Section).Bind(options);
        if (connectionString is not null) options.ConnectionString = connectionString;
        if (options.Validate() is { } problem) throw new CliSetupException(problem);
        var baseUrl = configuration["Preflight:PublicBaseUrl"] ?? ServeCommand.DefaultUrls;
        return (new Stager(Stager.CreateStore(options, baseUrl), profile), baseUrl);
    }

    /// <summary>Checks the files in parallel (at most <c>Jobs</c> at once); the reports keep the input order.</summary>
    private static async Task<FileReport[]> InspectAllAsync(IReadOnlyList<InputFile> inputs, Settings settings, CliContext context, CancellationToken cancellationToken)
    {
        var inspect = context.InspectOverride ?? new Inspector(new MediaTools(context.MediaTools)).InspectAsync;
        var options = new InspectionOptions { Profile = settings.Profile, Plan = settings.Plan, Deep = settings.Deep };
        var reports = new FileReport[inputs.Count];
        var progress = new ProgressLine(context.Error, context.Interactive, inputs.Count);
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = settings.Jobs, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, inputs.Count), parallel, async (index, ct) =>
            {
                var input = inputs[index];
                var report = settings.Cache is null
                    ? await InspectOneAsync(inspect, input, new InspectionRequest(input.FullPath, input.DisplayPath), options, ct)
                    : await settings.Cache.CheckAsync(input, options, (request, t) => InspectOneAsync(inspect, input, request, options, t), ct);
                reports[index] = settings.Stager is null ? report : await settings.Stager.StageAsync(report, input.FullPath, settings.PublicBaseUrl, ct);
                progress.Completed(input.DisplayPath);
            });
        }
        finally
        {
            progress.Clear();
        }
        settings.Cache?.Save();
        return reports;
    }

    /// <summary><c>--watch</c>: the same per-file check (and cache, and staging), forever, one line per verdict.</summary>
    private static async Task<int> WatchAsync(Settings settings, CliContext context, CancellationToken cancellationToken)
    {
        var inspect = context.InspectOverride ?? new Inspector(new MediaTools(context.MediaTools)).InspectAsync;
        var options = new InspectionOptions { Profile = settings.Profile, Plan = settings.Plan, Deep = settings.Deep };
        async Task<FileReport> CheckAsync(InputFile input, CancellationToken ct)
        {
            var report = settings.Cache is null
                ? await InspectOneAsync(inspect, input, new InspectionRequest(input.FullPath, input.DisplayPath), options, ct)
                : await settings.Cache.CheckAsync(input, options, (request, t) => InspectOneAsync(inspect, input, request, options, t), ct);
            return settings.Stager is null ? report : await settings.Stager.StageAsync(report, input.FullPath, settings.PublicBaseUrl, ct);
        }

        await context.Error.WriteLineAsync($"preflight: watching '{settings.Watch!.Folder}' (files are checked once unchanged for {settings.Watch.Settle.TotalSeconds:0.###} s; Ctrl-C stops)");
        var watcher = new FolderWatcher(settings.Watch, CheckAsync, settings.Format, context.Out, context.Error, context.Time);
        await watcher.RunAsync(cancellationToken);
        return ExitCodes.Pass;
    }

    private static async Task<FileReport> InspectOneAsync(
        Func<InspectionRequest, InspectionOptions, CancellationToken, Task<FileReport>> inspect,
        InputFile input, InspectionRequest request, InspectionOptions options, CancellationToken cancellationToken)
    {
        if (SpecialFiles.IsPipe(input.FullPath))
        {
            return Unchecked(input, options, FindingCodes.FileUnreadable,
                "This is a named pipe (FIFO), not a file: it was not read, since reading it would wait for a writer.");
        }
        try
        {
            return await inspect(request, options, cancellationToken);
        }
        catch (Exception e) when (e is not (MissingToolException or OperationCanceledException))
        {
            // The engine reports bad files as findings; an exception here is a bug in it. The file still gets
            // a failing row, and the other files are checked.
            return Unchecked(input, options, FindingCodes.ProbeFailed,
                $"Preflight could not inspect this file ({e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}).");
        }
    }

    private static FileReport Unchecked(InputFile input, InspectionOptions options, string code, string message) => new()
    {
        Path = input.DisplayPath,
        Kind = options.Profile.KindFromExtension(Path.GetExtension(input.DisplayPath)),
        Verdict = Verdict.Fail,
        Findings = [Finding.Error(code, message)],
    };
}
