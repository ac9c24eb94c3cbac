using Preflight.Core.Inspection;
using Preflight.Core.Reports;

namespace Preflight.Cli;

/// <summary>Everything a command may touch outside its arguments, so tests can run commands in-process.</summary>
public sealed record CliContext
{
    public required TextWriter Out { get; init; }
    public required TextWriter Error { get; init; }

    /// <summary>
    /// The byte stream under <see cref="Out"/> (the real console; null for plain writers): a report written as UTF-8
    /// bytes goes straight to it. <see cref="Out"/> flushes on every write, so the order of the two is kept.
    /// </summary>
    public Stream? OutStream { get; init; }

    /// <summary>Standard output and error are a terminal: live progress is shown on standard error.</summary>
    public bool Interactive { get; init; }

    /// <summary>Standard output is a colour terminal.</summary>
    public bool Color { get; init; }

    /// <summary>Relative PATH and --output arguments are resolved against this folder.</summary>
    public string WorkingDirectory { get; init; } = Environment.CurrentDirectory;

    /// <summary>
    /// The verdict cache folder of <c>check</c> when no <c>--cache</c> is given: the user's cache folder for the real
    /// console, none for plain writers (tests), so a test never reads a verdict another run left behind.
    /// </summary>
    public string? CacheFolder { get; init; }

    /// <summary>The clock of <c>check --watch</c> (settle times, polling); tests use a fake one.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Called when <c>check</c> builds its engine (tests only: a warm re-check must not).</summary>
    internal Action? EngineBuilt { get; init; }

    /// <summary>Replaces the engine (tests only: e.g. to make it throw).</summary>
    internal Func<InspectionRequest, InspectionOptions, CancellationToken, Task<FileReport>>? InspectOverride { get; init; }

    /// <summary>Plain text writers, no terminal: what tests and pipes get.</summary>
    public static CliContext Create(TextWriter stdout, TextWriter stderr) => new() { Out = stdout, Error = stderr };

    /// <summary>The real console, with terminal detection.</summary>
    public static CliContext ForConsole()
    {
        var stdoutIsTerminal = !Console.IsOutputRedirected;
        var noColor = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
            || Environment.GetEnvironmentVariable("TERM") == "dumb";
        var stdout = Console.OpenStandardOutput();
        return new CliContext
        {
            // Console.Out writes through a 256-byte buffer: a 1,600-file JSON report was 4,400 write calls. The same
            // flush-per-call behaviour (watch lines still appear at once), with one write per 64 KiB.
            Out = TextWriter.Synchronized(new StreamWriter(stdout, new System.Text.UTF8Encoding(false), 64 * 1024) { AutoFlush = true }),
            OutStream = stdout,
            // Console.Error would first look up the terminal's encoding (~0.5 ms of a warm re-check that never writes to
            // it); messages are UTF-8 like the report.
            Error = TextWriter.Synchronized(new StreamWriter(Console.OpenStandardError(), new System.Text.UTF8Encoding(false), 1024) { AutoFlush = true }),
            Interactive = stdoutIsTerminal && !Console.IsErrorRedirected,
            Color = stdoutIsTerminal && !noColor,
            CacheFolder = Check.CheckCache.DefaultFolder(Environment.GetEnvironmentVariable),
        };
    }
}
