namespace Preflight.Cli;

/// <summary>The parsed command line of one command: option values, flags and positional arguments.</summary>
public sealed class ParsedArgs
{
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Flags { get; } = new(StringComparer.Ordinal);
    public List<string> Positionals { get; } = [];
    public bool Help => Flags.Contains("--help");

    public string? Value(string option) => Values.GetValueOrDefault(option);
    public bool Has(string flag) => Flags.Contains(flag);
}

/// <summary>
/// A small, strict parser: <c>--name value</c>, <c>--name=value</c>, flags, <c>-h</c>/<c>--help</c>, and <c>--</c>
/// to end options. Unknown options, missing values and repeated options are usage errors, never guesses.
/// </summary>
public static class ArgParser
{
    public static ParsedArgs Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flags, string helpCommand)
    {
        var parsed = new ParsedArgs();
        var optionsEnded = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (optionsEnded || !LooksLikeOption(arg))
            {
                parsed.Positionals.Add(arg);
                continue;
            }
            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }
            if (arg is "-h" or "--help")
            {
                parsed.Flags.Add("--help");
                continue;
            }

            var equals = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=') : -1;
            var name = equals > 0 ? arg[..equals] : arg;
            var inline = equals > 0 ? arg[(equals + 1)..] : null;

            if (valueOptions.Contains(name))
            {
                string value;
                if (inline is not null)
                {
                    value = inline;
                }
                else if (i + 1 < args.Count && !LooksLikeOption(args[i + 1]))
                {
                    value = args[++i];
                }
                else
                {
                    throw new CliUsageException($"option '{name}' needs a value", helpCommand);
                }
                if (value.Length == 0) throw new CliUsageException($"option '{name}' needs a value", helpCommand);
                if (!parsed.Values.TryAdd(name, value)) throw new CliUsageException($"option '{name}' is given more than once", helpCommand);
            }
            else if (flags.Contains(name))
            {
                if (inline is not null) throw new CliUsageException($"option '{name}' takes no value", helpCommand);
                if (!parsed.Flags.Add(name)) throw new CliUsageException($"option '{name}' is given more than once", helpCommand);
            }
            else
            {
                throw new CliUsageException($"unknown option '{name}'", helpCommand);
            }
        }
        return parsed;
    }

    /// <summary>"-" alone is a (file) argument, as in most tools; anything else starting with '-' is an option.</summary>
    private static bool LooksLikeOption(string arg) => arg.Length > 1 && arg[0] == '-';
}
