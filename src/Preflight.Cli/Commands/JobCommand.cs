using System.Globalization;
using System.Text.Json;
using Preflight.Core.Fetching;
using Preflight.Core.Ingest;
using Preflight.Core.Inspection;
using Preflight.Core.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Preflight.Hosting;
using Preflight.Core.Reports;
using Preflight.Core.Reports.Writers;
using Preflight.Core.Rules;

namespace Preflight.Cli.Commands;

/// <summary><c>preflight job FILE.json [--format table|json]</c>: preflight a whole generation request.</summary>
public sealed class JobCommand : ICliCommand
{
    private const string HelpCommand = "preflight job --help";
    private const string AllowPrivateKey = "Preflight:Fetch:AllowPrivateNetworks";
    private static readonly string[] ValueOptions = ["--format", "--profile"];
    private static readonly string[] FlagOptions = ["--allow-private-networks"];

    public string Name => "job";

    public string Summary => "Check a whole generation request: scenes, text, dimensions, plan, credits, asset URLs.";

    public string Help => $$"""
        Usage: preflight job FILE.json [--profile NAME|FILE] [--format table|json] [--allow-private-networks] [--Section:Key=value ...]

        FILE.json (or - for standard input) holds {"endpoint", "plan"?, "creditsRemaining"?, "request"}: the body you
        would send to the generation API, under "request". Every asset URL in it is fetched and inspected.

        Endpoints: {{string.Join(", ", JobChecker.SupportedEndpoints)}}.

        Options:
          --profile P                The rule profile for the asset URLs and the job limits (default heygen; job
                                     limits exist in heygen and profiles extending it).
          --format F                 table (default) or json.
          --allow-private-networks   Let asset URLs point at loopback/private addresses (local testing only;
                                     the same as {{AllowPrivateKey}}=true).
          -h, --help                 Show this help.

        Configuration (as for serve): appsettings.json, environment variables Preflight__Section__Key and
        --Section:Key=value arguments; every Preflight:Fetch, Preflight:MediaTools and Preflight:Jobs key applies.

        Exit codes: 0 the job passes, 1 it fails, 2 usage or setup error (unreadable or malformed JSON, unknown plan).

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
        if (parsed.Positionals.Count != 1) throw new CliUsageException("give exactly one job file (or - for standard input)", HelpCommand);
        var format = parsed.Value("--format")?.ToLowerInvariant() ?? "table";
        if (format is not ("table" or "json")) throw new CliUsageException($"unknown format '{format}': use table or json", HelpCommand);

        var job = await ReadJobAsync(parsed.Positionals[0], context, cancellationToken);
        // The flag is the key's shorthand: it wins over every other source.
        var overrides = new List<KeyValuePair<string, string?>>();
        if (parsed.Has("--allow-private-networks")) overrides.Add(new(AllowPrivateKey, "true"));
        if (parsed.Value("--profile") is { } profileName) overrides.Add(new(PreflightEngine.ProfileKey, profileName));
        var configuration = CliHost.Configuration(configurationArgs, overrides);
        await using var engine = CliHost.Engine(configuration, context);
        var profile = engine.GetRequiredService<Profile>();
        if (profile.Jobs is null)
            throw new CliUsageException($"the '{profile.Name}' profile has no job rules: job requests are checked against heygen or a profile extending it", HelpCommand);
        var inspect = engine.GetRequiredService<InspectFile>();
        // A local command: a probe.failed row may quote the exception (the service's UrlInspector does not).
        var urls = new UrlInspector(engine.GetRequiredService<UrlFetcher>(), profile) { ShowEngineFailureReason = true };
        using var temp = PrivateTempFolder.Create(root: null, "preflight-job-");
        var folder = temp.Path;
        {
            var checker = new JobChecker(profile, (asset, plan, ct) => urls.InspectAsync(
                asset.Url, asset.Kind, new InspectionOptions { Profile = profile, Plan = plan }, folder, inspect.Invoke, null, wholeBody: false, ct),
                engine.GetRequiredService<JobCheckerOptions>());
            JobReport report;
            try
            {
                report = await checker.CheckAsync(job, cancellationToken);
            }
            catch (JobRequestException e)
            {
                throw new CliSetupException(e.Message);
            }

            if (format == "json")
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(report, PreflightJson.Options.Info<JobReport>()));
            else
                await WriteTableAsync(report, context.Out);
            return report.Verdict == Verdict.Pass ? ExitCodes.Pass : ExitCodes.Fail;
        }
    }

    private static async Task<JobCheckRequest> ReadJobAsync(string path, CliContext context, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = path == "-"
                ? Console.OpenStandardInput()
                : File.OpenRead(Path.Combine(context.WorkingDirectory, path));
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new CliSetupException($"{path}: the job must be a JSON object {{\"endpoint\", \"request\", ...}}");
            var typeInfo = PreflightJson.Options.Info<JobCheckRequest>();
            try
            {
                return document.RootElement.Deserialize(typeInfo) ?? throw new CliSetupException($"{path}: empty job");
            }
            catch (JsonException e)
            {
                throw new CliSetupException($"{path}: not valid JSON ({PreflightJson.Explain(e, typeInfo)})");
            }
        }
        catch (JsonException e)
        {
            throw new CliSetupException($"{path}: not valid JSON ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliSetupException($"{path}: cannot read ({e.Message})");
        }
    }

    private static async Task WriteTableAsync(JobReport report, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        await output.WriteLineAsync($"{report.Endpoint}: {report.Verdict.ToString().ToUpperInvariant()}" +
            $"  plan: {report.Plan ?? "(any)"}  minimum plan: {report.MinimumPlan ?? "none"}");
        var estimate = report.Estimate;
        await output.WriteLineAsync(string.Create(inv,
            $"estimate: {estimate.DurationSeconds:0.##} s{(estimate.DurationIsEstimate ? " (estimated)" : "")}, {estimate.Credits:0.####} credits = {estimate.Formula}"));
        // Messages, pointers and URLs quote the job file: as in the check's table, nothing in them drives the terminal.
        foreach (var f in report.Findings)
        {
            var at = string.IsNullOrEmpty(f.Path) ? "" : $" at {f.Path}";
            await output.WriteLineAsync(ReportText.Printable($"  {f.Severity.ToString().ToLowerInvariant(),-7} {f.Code}{at}: {f.Message}"));
            if (f.Fix is not null) await output.WriteLineAsync(ReportText.Printable($"          fix: {f.Fix}"));
        }
        foreach (var asset in report.Assets)
        {
            await output.WriteLineAsync(ReportText.Printable($"  asset {asset.Path}: {asset.Verdict.ToString().ToLowerInvariant()} ({asset.Detected?.Format ?? "?"}, {asset.Source?.Url ?? ""})"));
        }
    }
}
