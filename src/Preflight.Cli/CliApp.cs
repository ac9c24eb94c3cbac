using Preflight.Cli.Commands;
using Preflight.Core.Probing;
using Preflight.Core.Reports;
using Preflight.Core.Reports.Writers;

namespace Preflight.Cli;

/// <summary>The <c>preflight</c> entry point: picks a command from the table and turns failures into exit codes.</summary>
public static class CliApp
{
    /// <summary>The command table. A new command is one file under Commands/ and one line here.</summary>
    private static readonly ICliCommand[] Commands =
    [
        new CheckCommand(),
        new FixCommand(),
        new JobCommand(),
        new ServeCommand(),
        new WorkerCommand(),
        new ProfilesCommand(),
    ];

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        RunAsync(args, CliContext.Create(stdout, stderr), cancellationToken);

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        try
        {
            return await DispatchAsync(args, context, cancellationToken);
        }
        catch (CliUsageException e)
        {
            await context.Error.WriteLineAsync($"preflight: {OneLine(e.Message)}. See '{e.HelpCommand}'.");
            return ExitCodes.UsageOrSetup;
        }
        catch (CliSetupException e)
        {
            await context.Error.WriteLineAsync($"preflight: {OneLine(e.Message)}");
            return ExitCodes.UsageOrSetup;
        }
        catch (MissingToolException e)
        {
            // A setup problem, not a bug: one line that says what to install, no stack trace.
            await context.Error.WriteLineAsync($"preflight: {OneLine(e.Message)}");
            return ExitCodes.UsageOrSetup;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("preflight: cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Last resort for a file system failure no command turned into a setup error (full disk, symlink loop, …).
            await context.Error.WriteLineAsync($"preflight: {OneLine(e.Message)}");
            return ExitCodes.UsageOrSetup;
        }
        finally
        {
            await context.Out.FlushAsync(CancellationToken.None);
            await context.Error.FlushAsync(CancellationToken.None);
        }
    }

    private static async Task<int> DispatchAsync(string[] args, CliContext context, CancellationToken cancellationToken)
    {
        if (args.Length == 0) throw new CliUsageException("no command given", "preflight --help");

        var first = args[0];
        if (first is "-h" or "--help" or "help")
        {
            await context.Out.WriteAsync(Help());
            return ExitCodes.Pass;
        }
        if (first is "--version" or "-V")
        {
            await context.Out.WriteLineAsync($"{ToolInfo.Current.Name} {ToolInfo.Current.Version}");
            return ExitCodes.Pass;
        }

        var command = Commands.FirstOrDefault(c => c.Name == first)
            ?? throw new CliUsageException(
                first.StartsWith('-') ? $"unknown option '{first}' (a command comes first, e.g. 'preflight check PATH')" : $"unknown command '{first}'",
                "preflight --help");
        return await command.RunAsync(args[1..], context, cancellationToken);
    }

    private static string Help()
    {
        var width = Commands.Max(c => c.Name.Length);
        var lines = string.Join(Environment.NewLine, Commands.Select(c => $"  {c.Name.PadRight(width)}  {c.Summary}"));
        return $"""
            {ToolInfo.Current.Name} {ToolInfo.Current.Version}: checks media files against an upload API's limits before you upload them.

            Usage: preflight <command> [options]

            Commands:
            {lines}

            Options:
              -h, --help     Show this help.
              --version      Show the version.

            Run 'preflight <command> --help' for a command's options.

            """;
    }

    // Messages quote paths and arguments a stranger may have chosen: no escape sequence or bidi control reaches the terminal.
    private static string OneLine(string message) => ReportText.Printable(message.ReplaceLineEndings(" ").Trim());
}
