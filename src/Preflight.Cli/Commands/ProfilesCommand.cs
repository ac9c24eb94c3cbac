using System.Globalization;
using System.Text;
using System.Text.Json;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Hosting;

namespace Preflight.Cli.Commands;

/// <summary><c>preflight profiles list | show NAME | validate FILE</c>: the rule profiles, readable, with their sources.</summary>
public sealed class ProfilesCommand : ICliCommand
{
    private const string HelpCommand = "preflight profiles --help";
    private static readonly string[] ValueOptions = ["--format"];

    private static readonly JsonSerializerOptions Json = PreflightJson.Options;

    public string Name => "profiles";

    public string Summary => "List, show and validate rule profiles (each vendor's input limits, with their sources).";

    public string Help => $"""
        Usage: preflight profiles list [--format table|json] [--Section:Key=value ...]
               preflight profiles show NAME|FILE [--format table|json]
               preflight profiles validate FILE

          list       Every profile: the built-ins ({string.Join(", ", ProfileCatalog.BuiltIn.Names)}) and those of
                     Preflight:ProfilePaths, with title and digest.
          show       One profile resolved (inheritance applied): every rule with its value and its source.
                     --format json prints the resolved profile document.
          validate   Check a profile file against docs/profile.schema.json and its 'extends'; every error with
                     the JSON path and what was expected.

        Exit codes: 0 ok (validate: the file is valid), 1 validate: the file is not valid, 2 usage or setup error.

        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken)
    {
        var (commandArgs, configurationArgs) = CliHost.SplitArgs(args);
        var parsed = ArgParser.Parse(commandArgs, ValueOptions, [], HelpCommand);
        if (parsed.Help || parsed.Positionals.Count == 0)
        {
            await context.Out.WriteAsync(Help);
            return parsed.Help ? ExitCodes.Pass : ExitCodes.UsageOrSetup;
        }
        var format = parsed.Value("--format")?.ToLowerInvariant() ?? "table";
        if (format is not ("table" or "json")) throw new CliUsageException($"unknown format '{format}': use table or json", HelpCommand);

        var catalog = Catalog(CliHost.Configuration(configurationArgs));
        var action = parsed.Positionals[0];
        var rest = parsed.Positionals.Skip(1).ToList();
        switch (action)
        {
            case "list" when rest.Count == 0:
                await context.Out.WriteAsync(format == "json" ? ListJson(catalog) : ListTable(catalog));
                return ExitCodes.Pass;
            case "show" when rest.Count == 1:
                var profile = Resolve(catalog, rest[0], context.WorkingDirectory);
                await context.Out.WriteAsync(format == "json"
                    ? JsonSerializer.Serialize(profile, Json.Info<Profile>()) + Environment.NewLine
                    : Describe(profile));
                return ExitCodes.Pass;
            case "validate" when rest.Count == 1:
                var file = Path.GetFullPath(rest[0], context.WorkingDirectory);
                if (!File.Exists(file)) throw new CliSetupException($"no such file: {rest[0]}");
                var errors = catalog.Validate(file);
                if (errors.Count == 0)
                {
                    var valid = catalog.Resolve(file);
                    await context.Out.WriteLineAsync($"{rest[0]}: valid profile '{valid.Name}' ({valid.Digest})");
                    return ExitCodes.Pass;
                }
                foreach (var error in errors)
                    await context.Error.WriteLineAsync($"{rest[0]}: {error.Path}: {error.Message}");
                return ExitCodes.Fail;
            case "list" or "show" or "validate":
                throw new CliUsageException($"'profiles {action}' takes {(action == "list" ? "no argument" : "exactly one argument")}", HelpCommand);
            default:
                throw new CliUsageException($"unknown action '{action}': use list, show or validate", HelpCommand);
        }
    }

    private static ProfileCatalog Catalog(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        try
        {
            return ProfileCatalog.Create(PreflightEngine.ProfilePaths(configuration));
        }
        catch (ProfileException e)
        {
            throw new CliSetupException("invalid profile in Preflight:ProfilePaths: " + e.Message, e);
        }
    }

    private static Profile Resolve(ProfileCatalog catalog, string nameOrFile, string workingDirectory)
    {
        try
        {
            var local = Path.GetFullPath(nameOrFile, workingDirectory);
            return catalog.Find(nameOrFile) ?? catalog.Resolve(File.Exists(local) ? local : nameOrFile);
        }
        catch (UnknownProfileException e)
        {
            throw new CliUsageException(e.Message, HelpCommand);
        }
        catch (ProfileException e)
        {
            throw new CliSetupException(e.Message, e);
        }
    }

    private static string ListTable(ProfileCatalog catalog)
    {
        var text = new StringBuilder();
        var width = catalog.Names.Max(n => n.Length);
        foreach (var profile in catalog.All)
        {
            var origin = profile.Origin == ProfileCatalog.BuiltInOrigin ? "built-in" : profile.Origin;
            var extends = profile.Extends is null ? "" : $", extends {profile.Extends}";
            text.AppendLine(CultureInfo.InvariantCulture, $"{profile.Name.PadRight(width)}  {profile.Title} ({origin}{extends})");
            text.AppendLine(CultureInfo.InvariantCulture, $"{"".PadRight(width)}  {profile.Digest}");
        }
        return text.ToString();
    }

    private static string ListJson(ProfileCatalog catalog) =>
        JsonSerializer.Serialize(catalog.All.Select(ProfileSummary.Of), Json.Info<IEnumerable<ProfileSummary>>()) + Environment.NewLine;

    /// <summary>Every rule of the profile, one line each, with its source (and note, page and day read).</summary>
    public static string Describe(Profile profile)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{profile.Name}: {profile.Title}");
        if (profile.Extends is not null) text.AppendLine(CultureInfo.InvariantCulture, $"extends: {profile.Extends}");
        text.AppendLine(CultureInfo.InvariantCulture, $"digest:  {profile.Digest}");
        text.AppendLine(CultureInfo.InvariantCulture, $"source:  {profile.Source}");
        Rule(text, "  ", "megabyte", $"{profile.Megabyte.Value} bytes", profile.Megabyte);
        foreach (var (kind, limits) in profile.Kinds)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{kind}:");
            if (limits.Extensions is { } extensions)
            {
                var list = string.Join(", ", extensions.Select(e => $"{e.Key} ({e.Value})"));
                text.AppendLine(CultureInfo.InvariantCulture, $"  formats: {list}");
                if (limits.ExtensionsSource is { } from) Source(text, "      ", from.Source, from.Note, from.Url, from.Read);
            }
            else
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  formats: any {kind} format Preflight recognises (no list published)");
            }
            Rule(text, "  ", "maxBytes", limits.MaxBytesRule, v => $"{v} bytes");
            Rule(text, "  ", "maxUrlBytes", limits.MaxUrlBytes, v => $"{v} bytes (URL assets)");
            Rule(text, "  ", "maxDimensionExclusive", limits.MaxDimensionExclusive, v => $"< {v} px on each side");
            Rule(text, "  ", "minWidth", limits.MinWidth, v => $">= {v} px");
            Rule(text, "  ", "maxWidth", limits.MaxWidth, v => $"<= {v} px");
            Rule(text, "  ", "minHeight", limits.MinHeight, v => $">= {v} px");
            Rule(text, "  ", "maxHeight", limits.MaxHeight, v => $"<= {v} px");
            Rule(text, "  ", "maxMegapixels", limits.MaxMegapixels, v => $"<= {v} MP");
            Rule(text, "  ", "minAspectRatio", limits.MinAspectRatio, v => $">= {v} (width / height)");
            Rule(text, "  ", "maxAspectRatio", limits.MaxAspectRatio, v => $"<= {v} (width / height)");
            Rule(text, "  ", "videoCodecs", limits.VideoCodecs, v => string.Join(", ", v));
            Rule(text, "  ", "audioCodecs", limits.AudioCodecs, v => string.Join(", ", v));
            Rule(text, "  ", "minDurationSeconds", limits.MinDurationSeconds, v => $">= {v} s");
            Rule(text, "  ", "maxDurationSeconds", limits.MaxDurationSeconds, v => $"<= {v} s");
            Rule(text, "  ", "minFrameRate", limits.MinFrameRate, v => $">= {v} fps");
            Rule(text, "  ", "maxFrameRate", limits.MaxFrameRate, v => $"<= {v} fps");
            Rule(text, "  ", "minSampleRateHz", limits.MinSampleRateHz, v => $">= {v} Hz");
        }
        if (profile.Url is { } url)
        {
            text.AppendLine("url:");
            Rule(text, "  ", "httpsOnly", url.HttpsOnly, v => v ? "yes" : "no");
            Rule(text, "  ", "hostMustBeName", url.HostMustBeName, v => v ? "yes" : "no");
            Rule(text, "  ", "noRedirects", url.NoRedirects, v => v ? "yes" : "no");
            Rule(text, "  ", "headWithContentTypeAndLength", url.HeadWithContentTypeAndLength, v => v ? "yes" : "no");
            Rule(text, "  ", "maxLength", url.MaxLength, v => $"<= {v} characters");
            Rule(text, "  ", "refuseOctetStream", url.RefuseOctetStream, v => v ? "yes" : "no");
        }
        if (profile.OutputFrameRate is { } fps) Rule(text, "", "outputFrameRate", $"{fps.Value} fps (warning when input differs)", fps);
        foreach (var name in profile.PlanOrder)
        {
            var plan = profile.Plans[name];
            text.AppendLine(CultureInfo.InvariantCulture, $"plan {name} ({plan.Title}):");
            Rule(text, "  ", "maxVideoSeconds", plan.MaxVideoSeconds, v => $"<= {v} s");
            Rule(text, "  ", "maxShortSide", plan.MaxShortSide, v => $"<= {v} px");
            Rule(text, "  ", "maxLongSide", plan.MaxLongSide, v => $"<= {v} px");
        }
        if (profile.Jobs is { } jobs)
        {
            text.AppendLine("jobs:");
            Rule(text, "  ", "maxScenes", jobs.MaxScenes, v => $"<= {v}");
            Rule(text, "  ", "maxInputTextCharsExclusive", jobs.MaxInputTextCharsExclusive, v => $"< {v} characters");
            Rule(text, "  ", "dimension", jobs.DimensionMinExclusive, v => $"> {v} and < {jobs.DimensionMaxExclusive.Value} px");
            Rule(text, "  ", "streamingMaxTextChars", jobs.StreamingMaxTextChars, v => $"<= {v} characters");
            text.AppendLine("  credits: see 'preflight profiles show NAME --format json'");
        }
        return text.ToString();
    }

    private static void Rule<T>(StringBuilder text, string indent, string name, Limit<T>? limit, Func<T, string> show)
    {
        if (limit is null) return;
        Rule(text, indent, name, show(limit.Value), limit);
    }

    private static void Rule<T>(StringBuilder text, string indent, string name, string value, Limit<T> limit)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"{indent}{name}: {value}");
        Source(text, indent + "    ", limit.Source, limit.Note, limit.Url, limit.Read);
    }

    private static void Source(StringBuilder text, string indent, string source, string? note, string? url, string? read)
    {
        text.AppendLine(CultureInfo.InvariantCulture, $"{indent}source: {source}");
        if (note is not null) text.AppendLine(CultureInfo.InvariantCulture, $"{indent}note:   {note}");
        if (url is not null) text.AppendLine(CultureInfo.InvariantCulture, $"{indent}from:   {url}{(read is null ? "" : ", read " + read)}");
    }
}
