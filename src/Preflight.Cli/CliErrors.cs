namespace Preflight.Cli;

/// <summary>The command line itself is wrong (unknown option, missing value, bad value). Exit 2 with a hint to use --help.</summary>
public sealed class CliUsageException(string message, string helpCommand) : Exception(message)
{
    /// <summary>What to run for help, e.g. <c>preflight check --help</c>.</summary>
    public string HelpCommand { get; } = helpCommand;
}

/// <summary>The command line is fine but the run cannot start (nonexistent path, unwritable output, …). Exit 2.</summary>
public sealed class CliSetupException(string message, Exception? inner = null) : Exception(message, inner);
