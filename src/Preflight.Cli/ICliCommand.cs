namespace Preflight.Cli;

/// <summary>One <c>preflight &lt;name&gt;</c> command. Add a command as one file under Commands/ plus one line in <see cref="CliApp"/>.</summary>
public interface ICliCommand
{
    string Name { get; }

    /// <summary>One line for <c>preflight --help</c>.</summary>
    string Summary { get; }

    /// <summary>The full text for <c>preflight NAME --help</c>.</summary>
    string Help { get; }

    /// <summary>Runs the command; returns the exit code. Throws <see cref="CliUsageException"/> / <see cref="CliSetupException"/> for exit 2.</summary>
    Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken);
}
