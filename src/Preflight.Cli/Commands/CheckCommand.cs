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
using Microsoft.Extensions.DependencyInjection;
using Preflight.Hosting;

namespace Preflight.Cli.Commands;

/// <summary><c>preflight check PATH... [--plan P] [--deep] [--format table|json|junit] [--output FILE] [--jobs N]</c></summary>
public sealed class CheckCommand : ICliCommand
{
    private const string HelpCommand = "preflight check --help";
    private const int MaxJobs = 1024;

    private static readonly string[] ValueOptions = ["--profile", "--plan", "--format", "--output", "--jobs", "--staging-connection-string"];
    private static readonly string[] FlagOptions = ["--deep", "--stage"];

    public string Name => "check";

    public string Summary => "Inspect media files and folders; report what the upload API would reject.";

    public string Help => $"""
        Usage: preflight check PATH... [--profile NAME|FILE] [--plan P] [--deep] [--format table|json|junit] [--output FILE] [--jobs N]
                               [--stage [--staging-connection-string CS]] [--Section:Key=value ...]

        Inspects each file (folders: every file in them, recursively) against a rule profile (default
        '{Profile.HeyGen.Name}'): real format from the bytes, size, dimensions, duration, corruption.

        Options:
          --profile P     The rule profile: {string.Join(", ", ProfileCatalog.BuiltIn.Names)}, a user profile's name
                          (Preflight:ProfilePaths) or a profile FILE. 'preflight profiles list' shows them.
          --plan P        Also apply a plan's video limits ({Profile.HeyGen.Name}: {string.Join(", ", Profile.HeyGen.PlanOrder)}).
          --deep          Decode everything (slower; needs ffmpeg): catches damage in the middle of the data.
          --format F      Report format: table (default), json or junit.
          --output FILE   Write the report to FILE (replaced only when complete) instead of standard output.
          --jobs N        Files checked at once (default: the number of cores, {Environment.ProcessorCount} here).
          --stage         Copy every passing file to the staging store and report its URL ('staged').
                          Store from the Preflight:Staging settings: Azure Blob Storage when
                          Preflight__Staging__ConnectionString is set, else the local folder ./.preflight/staged
                          (served by 'preflight serve' at /staged/NAME).
          --staging-connection-string CS   Azure Storage connection string for --stage (overrides the variable).
          -h, --help      Show this help.

        Paths in the report are relative to the folder given, or as given for files.

        Exit codes: 0 every file passes, 1 some file fails, 2 usage or setup error, 130 interrupted.

        Configuration (as for serve and worker): appsettings.json, environment variables Preflight__Section__Key,
        and --Section:Key=value arguments, e.g. --Preflight:MediaTools:BinaryFolder=/opt/ffmpeg/bin.

        Environment:
          {PreflightEngine.FfmpegDirVariable}   Folder holding ffprobe and ffmpeg (default: search PATH); an alias of
                               Preflight__MediaTools__BinaryFolder, which wins when both are set.

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

        var options = Validate(parsed);
        // --staging-connection-string and --profile set configuration keys: they win over every source.
        var overrides = new List<KeyValuePair<string, string?>>();
        if (parsed.Value("--staging-connection-string") is { } connectionString)
            overrides.Add(new(StagingOptions.Section + ":" + nameof(StagingOptions.ConnectionString), connectionString));
        if (parsed.Value("--profile") is { } profileName) overrides.Add(new(PreflightEngine.ProfileKey, profileName));
        var configuration = CliHost.Configuration(configurationArgs, overrides);
        await using var engine = CliHost.Engine(configuration, context);
        options = WithProfile(options, engine.GetRequiredService<Profile>(), parsed);
        var settings = new Settings(options, engine.GetRequiredService<InspectFile>(),
            parsed.Has("--stage") ? engine.GetRequiredService<Stager>() : null,
            // The local store's URLs: Preflight:PublicBaseUrl, else where `preflight serve` listens by default.
            StagingSetup.PublicBaseUrl(configuration) ?? StagingSetup.DefaultServiceUrl);
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

    private sealed record Options(Profile Profile, string? Plan, bool Deep, string Format, string? Output, int Jobs);

    private sealed record Settings(Options Options, InspectFile Inspect, Stager? Stager, string PublicBaseUrl)
    {
        public Profile Profile => Options.Profile;
        public string? Plan => Options.Plan;
        public bool Deep => Options.Deep;
        public string Format => Options.Format;
        public string? Output => Options.Output;
        public int Jobs => Options.Jobs;
    }

    private static Options Validate(ParsedArgs parsed)
    {
        var profile = Profile.HeyGen;
        if (parsed.Positionals.Count == 0) throw new CliUsageException("missing PATH: give at least one file or folder to check", HelpCommand);

        var plan = parsed.Value("--plan")?.ToLowerInvariant();

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

        return new Options(profile, plan, parsed.Has("--deep"), format, parsed.Value("--output"), jobs);
    }

    /// <summary>The profile the engine resolved (--profile, Preflight:Profile, else heygen), and the plan checked against it.</summary>
    private static Options WithProfile(Options options, Profile profile, ParsedArgs parsed)
    {
        if (options.Plan is not null && !profile.IsKnownPlan(options.Plan))
        {
            throw new CliUsageException(profile.PlanOrder.Count == 0
                ? $"unknown plan '{parsed.Value("--plan")}': the '{profile.Name}' profile has no plans"
                : $"unknown plan '{parsed.Value("--plan")}': use one of {string.Join(", ", profile.PlanOrder)}", HelpCommand);
        }
        return options with { Profile = profile };
    }

    /// <summary>Checks the files in parallel (at most <c>Jobs</c> at once); the reports keep the input order.</summary>
    private static async Task<FileReport[]> InspectAllAsync(IReadOnlyList<InputFile> inputs, Settings settings, CliContext context, CancellationToken cancellationToken)
    {
        var inspect = settings.Inspect;
        var options = new InspectionOptions { Profile = settings.Profile, Plan = settings.Plan, Deep = settings.Deep };
        var reports = new FileReport[inputs.Count];
        var progress = new ProgressLine(context.Error, context.Interactive, inputs.Count);
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = settings.Jobs, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, inputs.Count), parallel, async (index, ct) =>
            {
                var input = inputs[index];
                var report = await InspectOneAsync(inspect, input, options, ct);
                reports[index] = settings.Stager is null ? report : await settings.Stager.StageAsync(report, input.FullPath, settings.PublicBaseUrl, ct);
                progress.Completed(input.DisplayPath);
            });
        }
        finally
        {
            progress.Clear();
        }
        return reports;
    }

    private static async Task<FileReport> InspectOneAsync(
        InspectFile inspect,
        InputFile input, InspectionOptions options, CancellationToken cancellationToken)
    {
        if (SpecialFiles.IsPipe(input.FullPath))
        {
            return Unchecked(input, options, FindingCodes.FileUnreadable,
                "This is a named pipe (FIFO), not a file: it was not read, since reading it would wait for a writer.");
        }
        return await FileInspection.InspectAsync(new InspectFile(inspect), new InspectionRequest(input.FullPath, input.DisplayPath),
            ingested: null, options, showReason: true, onEngineFailure: null, cancellationToken);
    }

    private static FileReport Unchecked(InputFile input, InspectionOptions options, string code, string message) =>
        FileInspection.Unchecked(new InspectionRequest(input.FullPath, input.DisplayPath), options, code, message);
}
