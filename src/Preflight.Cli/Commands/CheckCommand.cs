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
using Preflight.Hosting;

namespace Preflight.Cli.Commands;

/// <summary><c>preflight check PATH... [--plan P] [--deep] [--format table|json|junit] [--output FILE] [--jobs N] [--cache DIR|--no-cache]</c>, or <c>--watch DIR</c>.</summary>
public sealed class CheckCommand : ICliCommand
{
    private const string HelpCommand = "preflight check --help";

    private static readonly string[] ValueOptions =
        ["--profile", "--plan", "--format", "--output", "--jobs", "--staging-connection-string", "--cache", "--watch", "--pass-dir", "--fail-dir", "--settle"];
    private static readonly string[] FlagOptions = ["--deep", "--stage", "--no-cache"];

    public string Name => "check";

    public string Summary => "Inspect media files and folders; report what the upload API would reject.";

    public string Help => $"""
        Usage: preflight check PATH... [--plan P] [--deep] [--format table|json|junit] [--output FILE] [--jobs N]
                               [--profile NAME|FILE] [--stage [--staging-connection-string CS]] [--cache DIR | --no-cache] [--Section:Key=value ...]
               preflight check --watch DIR [--pass-dir P] [--fail-dir F] [--settle 2s] [--format table|json] [options]

        Inspects each file (folders: every file in them, recursively) against a rule profile (default
        '{Profile.HeyGen.Name}'): real format from the bytes, size, dimensions, duration, corruption.

        Options:
          --profile P     The rule profile: {string.Join(", ", ProfileCatalog.BuiltIn.Names)}, a user profile's name
                          (Preflight:ProfilePaths) or a profile FILE. 'preflight profiles list' shows them.
          --plan P        Also apply a plan's video limits ({Profile.HeyGen.Name}: {string.Join(", ", Profile.HeyGen.PlanOrder)}).
          --deep          Decode everything (slower; needs ffmpeg): catches damage in the middle of the data.
          --format F      Report format: table (default), json, junit, or html (one self-contained page with
                          previews, a "failures only" filter and a search box; use it with --output).
          --output FILE   Write the report to FILE (replaced only when complete) instead of standard output.
          --jobs N        Files checked at once (default: the number of cores, {Environment.ProcessorCount} here).
          --stage         Copy every passing file to the staging store and report its URL ('staged').
                          Store from the Preflight:Staging settings: Azure Blob Storage when
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

        var options = Validate(parsed, context);
        // --staging-connection-string and --profile set configuration keys: they win over every source.
        var overrides = new List<KeyValuePair<string, string?>>();
        if (parsed.Value("--staging-connection-string") is { } connectionString)
            overrides.Add(new(StagingOptions.Section + ":" + nameof(StagingOptions.ConnectionString), connectionString));
        if (parsed.Value("--profile") is { } profileName) overrides.Add(new(PreflightEngine.ProfileKey, profileName));
        // Both built when first needed: a re-check answered from its stored answer builds neither.
        IConfiguration? built = null;
        IConfiguration Configuration() => built ??= CliHost.Configuration(configurationArgs, overrides);
        await using var engine = new OnDemandEngine(Configuration, context);
        var cache = CheckArgs.Cache(parsed, context, options.Watch is null
            ? parsed.Positionals.Select(p => Path.GetFullPath(p, context.WorkingDirectory)).ToList()
            : [options.Watch.Folder], HelpCommand);
        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var fingerprint = cache is null ? null : ProfileFingerprint(cache, configurationArgs, overrides, Configuration, started);
        var writer = CommonOptions.WriterFor(options.Format, colour: context.Color && options.Output is null);
        // No folder changed, no file changed, same profile, plan, mode, format, output and PATH arguments: the last run's
        // report, with this run's duration. (It was stored by a run whose plan the profile knew: nothing needs resolving to answer.)
        var replayIdentity = ReplayIdentity(fingerprint, options, parsed.Has("--stage"), writer, context, parsed.Positionals);
        if (replayIdentity is not null && cache!.TryReplay(replayIdentity) is { } replay)
        {
            using (replay)
            {
                await using var replayFile = options.Output is null ? null : ReportFile.Create(options.Output, context.WorkingDirectory);
                await CommonOptions.WriteReplayAsync(replay, writer.DurationText((long)clock.Elapsed.TotalMilliseconds)!, replayFile, context, cancellationToken);
            }
            return replay.ExitCode;
        }

        var profile = ResolveProfile(engine, cache, fingerprint);
        CommonOptions.CheckPlanOf(profile.Name, profile.PlanOrder, profile.IsKnownPlan, options.Plan, parsed, HelpCommand);
        var settings = new Settings(options, profile, engine,
            parsed.Has("--stage") ? engine.Get<Stager>() : null,
            // The local store's URLs: Preflight:PublicBaseUrl, else where `preflight serve` listens by default.
            StagingSetup.PublicBaseUrl(Configuration()) ?? StagingSetup.DefaultServiceUrl)
        {
            Cache = cache,
        };
        if (options.Watch is not null) return await WatchAsync(settings, context, cancellationToken);
        var collection = FileCollector.Gather(parsed.Positionals, context.WorkingDirectory, context.Error);
        var inputs = ReportFile.WithoutReport(settings.Output, context.WorkingDirectory, collection.Files, parsed.Positionals, HelpCommand);

        await using var reportFile = settings.Output is null ? null : ReportFile.Create(settings.Output, context.WorkingDirectory);
        var reports = await InspectAllAsync(inputs, settings, context, cancellationToken);
        if (settings.Format == ReportWriters.Html)
            reports = await HtmlPreviews.AddAsync(reports, inputs, engine.Get<MediaTools>(), settings.Jobs, cancellationToken);
        var report = CheckReport.Create(settings.Profile.Name, settings.Plan, reports, clock.Elapsed);

        await CommonOptions.WriteReportAsync(report, settings.Format, reportFile, context, cancellationToken);
        var exitCode = report.Summary.Failed > 0 ? ExitCodes.Fail : ExitCodes.Pass;

        // What the next run over these files would write if nothing changes: every entry answered by the cache.
        if (replayIdentity is not null && cache!.CanReplay(collection, started))
        {
            var cached = Array.ConvertAll(reports, r => r with { Cached = true });
            if (await ReportReplay.CutAsync(writer, ms => CheckReport.Create(settings.Profile.Name, settings.Plan, cached, TimeSpan.FromMilliseconds(ms)), cancellationToken) is { } segments)
                cache.RememberReplay(collection, replayIdentity, exitCode, segments);
        }
        return exitCode;
    }

    /// <summary>
    /// What a stored answer must have been made for besides its files: everything resolving the profile reads
    /// (<see cref="ProfileIdentity.Fingerprint"/>, which holds the engine build), the plan, the mode and the output as
    /// written (format, colour, and the --output file: a run writing its report among the inputs leaves that file out,
    /// or is a usage error when it is one named, and a replay must never write over an input), and the PATH arguments as
    /// given (the report shows its paths relative to them: the same file named 'a.mp4' or '/full/a.mp4' is another
    /// rendering). Null when no answer is stored or replayed: no cache, a staged run (it stages every file), or a format
    /// whose rendering changes in more than its duration (HTML, with its previews).
    /// </summary>
    private static string? ReplayIdentity(
        string? profileFingerprint, Options options, bool staged, IReportWriter writer, CliContext context, IReadOnlyList<string> given) =>
        profileFingerprint is null || staged || options.Watch is not null || writer.DurationText(0) is null
            ? null
            : string.Join('\n', profileFingerprint, options.Plan ?? "-", options.Deep ? "deep" : "quick", options.Format,
                context.Color && options.Output is null ? "colour" : "plain",
                options.Output is null ? "-" : Path.GetFullPath(options.Output, context.WorkingDirectory), string.Join('\0', given));

    private sealed record Options(string? Plan, bool Deep, string Format, string? Output, int Jobs, WatchSettings? Watch);

    private sealed record Settings(Options Options, ProfileIdentity Profile, OnDemandEngine Engine, Stager? Stager, string PublicBaseUrl)
    {
        public string? Plan => Options.Plan;
        public bool Deep => Options.Deep;
        public string Format => Options.Format;
        public string? Output => Options.Output;
        public int Jobs => Options.Jobs;
        public CheckCache? Cache { get; init; }

        /// <summary>What cached verdicts of this run are keyed by; needs no engine.</summary>
        public VerdictScope Scope => field ??= new VerdictScope(Profile.Digest, Plan, Deep);

        /// <summary>The engine's options for this run (the engine's resolved profile): built with the engine, on the first miss.</summary>
        public InspectionOptions InspectionOptions => field ??= new InspectionOptions { Profile = Engine.Get<Profile>(), Plan = Plan, Deep = Deep };
    }

    /// <summary>
    /// <see cref="ProfileIdentity.Fingerprint"/> of the profile's sources: remembered by the verdict cache for what the
    /// configuration is read from (<see cref="ConfigurationSources"/>), else taken from the configuration.
    /// </summary>
    private static string ProfileFingerprint(CheckCache cache, IReadOnlyList<string> settings,
        IReadOnlyList<KeyValuePair<string, string?>> overrides, Func<IConfiguration> configuration, DateTimeOffset started)
    {
        var digest = ConfigurationSources.Digest(AppContext.BaseDirectory, Environment.GetEnvironmentVariables(), settings, overrides, started);
        if (digest is not null && cache.RecallProfileSources(digest) is { } remembered) return ProfileIdentity.Fingerprint(remembered);
        var sources = ProfileIdentity.Sources.Of(configuration());
        if (digest is not null) cache.RememberProfileSources(digest, sources);
        return ProfileIdentity.Fingerprint(sources);
    }

    /// <summary>
    /// The profile's name, digest and plans: remembered by the verdict cache for what resolving it read (so a warm run
    /// loads no profile), else from the engine, which resolves and validates it.
    /// </summary>
    private static ProfileIdentity ResolveProfile(OnDemandEngine engine, CheckCache? cache, string? fingerprint)
    {
        if (cache is null || fingerprint is null) return ProfileIdentity.Of(engine.Get<Profile>());
        if (cache.RecallProfile(fingerprint) is { } remembered) return remembered;
        var resolved = ProfileIdentity.Of(engine.Get<Profile>());
        cache.RememberProfile(fingerprint, resolved);
        return resolved;
    }

    private static Options Validate(ParsedArgs parsed, CliContext context)
    {
        var watch = CheckArgs.Watch(parsed, context, HelpCommand);
        if (parsed.Positionals.Count == 0 && watch is null) throw new CliUsageException("missing PATH: give at least one file or folder to check", HelpCommand);

        // Checked against the resolved profile's plans once it is known (CommonOptions.CheckPlanOf).
        var plan = CommonOptions.Plan(parsed);

        var format = CommonOptions.Format(parsed, ReportWriters.Formats, HelpCommand);

        var jobs = CommonOptions.Jobs(parsed, HelpCommand);

        if (parsed.Value("--staging-connection-string") is not null && !parsed.Has("--stage"))
            throw new CliUsageException("--staging-connection-string needs --stage", HelpCommand);

        if (watch is not null && (format == ReportWriters.JUnit || parsed.Value("--output") is not null))
            throw new CliUsageException("--watch prints one line per file: use --format table or json, without --output", HelpCommand);

        return new Options(plan, parsed.Has("--deep"), format, parsed.Value("--output"), jobs, watch is null ? null : watch with { Jobs = jobs });
    }

    /// <summary>Checks the files in parallel (at most <c>Jobs</c> at once); the reports keep the input order.</summary>
    private static async Task<FileReport[]> InspectAllAsync(IReadOnlyList<InputFile> inputs, Settings settings, CliContext context, CancellationToken cancellationToken)
    {
        var reports = new FileReport[inputs.Count];
        var progress = new ProgressLine(context.Error, context.Interactive, inputs.Count);
        try
        {
            // Unchanged files first, one after another: a warm re-check is answered here without starting any
            // inspection machinery (tasks, parallel loop, engine). Staged runs stage every file: they skip this pass.
            var pending = new List<int>(inputs.Count);
            for (var index = 0; index < inputs.Count; index++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (settings.Stager is null && settings.Cache?.TryRecall(inputs[index], settings.Scope) is { } recalled)
                {
                    reports[index] = recalled;
                    progress.Completed(inputs[index].DisplayPath);
                }
                else pending.Add(index);
            }
            if (pending.Count > 0)
            {
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = settings.Jobs, CancellationToken = cancellationToken };
                await Parallel.ForEachAsync(pending, parallel, async (index, ct) =>
                {
                    reports[index] = await CheckOneAsync(inputs[index], settings, ct);
                    progress.Completed(inputs[index].DisplayPath);
                });
            }
        }
        finally
        {
            progress.Clear();
        }
        settings.Cache?.Save();
        return reports;
    }

    /// <summary>One file: from the verdict cache or the engine, then staged when asked.</summary>
    private static async Task<FileReport> CheckOneAsync(InputFile input, Settings settings, CancellationToken cancellationToken)
    {
        var report = settings.Cache is null
            ? await InspectOneAsync(settings, input, new InspectionRequest(input.FullPath, input.DisplayPath), cancellationToken)
            : await settings.Cache.CheckAsync(input, settings.Scope, (request, ct) => InspectOneAsync(settings, input, request, ct), cancellationToken);
        return settings.Stager is null ? report : await settings.Stager.StageAsync(report, input.FullPath, settings.PublicBaseUrl, cancellationToken);
    }

    /// <summary><c>--watch</c>: the same per-file check (cache, staging), until cancelled, one line per verdict.</summary>
    private static async Task<int> WatchAsync(Settings settings, CliContext context, CancellationToken cancellationToken)
    {
        var watch = settings.Options.Watch!;
        await context.Error.WriteLineAsync(
            $"preflight: watching '{watch.Folder}' (files are checked once unchanged for {watch.Settle.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s; Ctrl-C stops)");
        var watcher = new FolderWatcher(watch, (input, ct) => CheckOneAsync(input, settings, ct), settings.Format, context.Out, context.Error, context.Time);
        await watcher.RunAsync(cancellationToken);
        return ExitCodes.Pass;
    }

    private static async Task<FileReport> InspectOneAsync(Settings settings, InputFile input, InspectionRequest request, CancellationToken cancellationToken)
    {
        var options = settings.InspectionOptions;
        if (SpecialFiles.WhyNotRead(input.FullPath,
                "This is a named pipe (FIFO), not a file: it was not read, since reading it would wait for a writer.") is { } why)
        {
            return Unchecked(input, options, FindingCodes.FileUnreadable, why);
        }
        return await FileInspection.InspectAsync(settings.Engine.Get<InspectFile>(), request, ingested: null, options, showReason: true, onEngineFailure: null, cancellationToken);
    }

    private static FileReport Unchecked(InputFile input, InspectionOptions options, string code, string message) =>
        FileInspection.Unchecked(new InspectionRequest(input.FullPath, input.DisplayPath), options, code, message);
}
