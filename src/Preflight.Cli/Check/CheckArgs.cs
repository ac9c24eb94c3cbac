using System.Globalization;
using System.Text.RegularExpressions;

namespace Preflight.Cli.Check;

/// <summary>The cache and watch options of <c>preflight check</c>, checked and resolved.</summary>
public static partial class CheckArgs
{
    public static readonly TimeSpan DefaultSettle = TimeSpan.FromSeconds(2);

    /// <summary>The watch settings, or null without <c>--watch</c>. Jobs are filled in by the caller.</summary>
    public static WatchSettings? Watch(ParsedArgs parsed, CliContext context, string helpCommand)
    {
        var folder = parsed.Value("--watch");
        if (folder is null)
        {
            foreach (var option in new[] { "--pass-dir", "--fail-dir", "--settle" })
                if (parsed.Value(option) is not null) throw new CliUsageException($"{option} needs --watch DIR", helpCommand);
            return null;
        }
        if (parsed.Positionals.Count > 0) throw new CliUsageException("--watch takes one folder; give no other PATH", helpCommand);

        var full = Path.GetFullPath(folder, context.WorkingDirectory);
        if (!Directory.Exists(full)) throw new CliSetupException($"no such folder: '{folder}'");
        var settle = parsed.Value("--settle") is { } text ? ParseDuration(text, helpCommand) : DefaultSettle;
        return new WatchSettings(full, Destination(parsed, "--pass-dir", context), Destination(parsed, "--fail-dir", context), settle, Jobs: 1);
    }

    private static string? Destination(ParsedArgs parsed, string option, CliContext context)
    {
        if (parsed.Value(option) is not { } given) return null;
        var full = Path.GetFullPath(given, context.WorkingDirectory);
        try
        {
            Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliSetupException($"cannot create {option} '{given}': {e.Message}", e);
        }
        return full;
    }

    /// <summary><c>500ms</c>, <c>2s</c>, <c>1.5s</c>, <c>1m</c>, or a bare number of seconds.</summary>
    public static TimeSpan ParseDuration(string text, string helpCommand)
    {
        var match = DurationPattern().Match(text.Trim());
        if (match.Success && double.TryParse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            var value = match.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(number),
                "m" => TimeSpan.FromMinutes(number),
                _ => TimeSpan.FromSeconds(number),
            };
            if (value <= TimeSpan.FromHours(1)) return value;
        }
        throw new CliUsageException($"bad --settle '{text}': give a time such as 500ms, 2s or 1m (at most 1 hour)", helpCommand);
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(ms|s|m)?$")]
    private static partial Regex DurationPattern();

    /// <summary>
    /// The verdict cache of this run, or null (<c>--no-cache</c>, no cache folder known, or a stand-in engine).
    /// The cache is never written inside a checked folder: an explicit <c>--cache</c> there is a usage error; the
    /// default folder there (checking your home folder) turns the cache off with a note.
    /// </summary>
    public static CheckCache? Cache(ParsedArgs parsed, CliContext context, IReadOnlyList<string> roots, string helpCommand)
    {
        var explicitFolder = parsed.Value("--cache");
        if (parsed.Has("--no-cache"))
        {
            if (explicitFolder is not null) throw new CliUsageException("--cache and --no-cache contradict each other", helpCommand);
            return null;
        }
        // A stand-in engine's verdicts (tests) must never land in a cache the real engine reads.
        if (context.InspectOverride is not null && explicitFolder is null) return null;
        var folder = explicitFolder is null ? context.CacheFolder : Path.GetFullPath(explicitFolder, context.WorkingDirectory);
        if (folder is null) return null;

        string real;
        try
        {
            real = FileCollector.RealPath(folder);
        }
        catch (IOException e)
        {
            // A symlink loop on the way to the folder.
            if (explicitFolder is not null) throw new CliSetupException($"cannot use --cache '{explicitFolder}': {e.Message}", e);
            context.Error.WriteLine($"preflight: not caching verdicts: cannot use {folder}: {e.Message}");
            return null;
        }
        foreach (var root in roots)
        {
            if (!Directory.Exists(root)) continue;
            var checkedFolder = FileCollector.RealPath(root).TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
            if (!(real + Path.DirectorySeparatorChar).StartsWith(checkedFolder, StringComparison.Ordinal)) continue;
            if (explicitFolder is not null)
                throw new CliUsageException($"--cache '{explicitFolder}' is inside the checked folder '{root}': choose a folder outside it", helpCommand);
            context.Error.WriteLine($"preflight: not caching verdicts: the cache folder {folder} is inside the checked folder {root}");
            return null;
        }

        try
        {
            return CheckCache.Open(folder, roots);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (explicitFolder is not null) throw new CliSetupException($"cannot use --cache '{explicitFolder}': {e.Message}", e);
            context.Error.WriteLine($"preflight: not caching verdicts: cannot create {folder}: {e.Message}");
            return null;
        }
    }
}
