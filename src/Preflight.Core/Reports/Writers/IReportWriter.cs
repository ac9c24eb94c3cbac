namespace Preflight.Core.Reports.Writers;

/// <summary>Renders a <see cref="CheckReport"/> in one output format. Writers are pure: they only write to the given writer.</summary>
public interface IReportWriter
{
    /// <summary>The name used on the command line (<c>--format</c>) and in APIs.</summary>
    string Format { get; }

    string MediaType { get; }

    Task WriteAsync(CheckReport report, TextWriter output, CancellationToken cancellationToken);

    /// <summary>
    /// How this writer shows <see cref="CheckSummary.DurationMs"/> (the only part of a report that changes when nothing
    /// else does), so a stored rendering can be written again with another run's duration; null when the writer cannot
    /// say (its output is then always rendered afresh).
    /// </summary>
    string? DurationText(long milliseconds) => null;

    /// <summary>
    /// The same report as UTF-8 bytes on <paramref name="output"/> (the console's own stream): the same bytes as the
    /// text version. A writer that can produce bytes directly overrides this; the others go through a text writer.
    /// </summary>
    async Task WriteAsync(CheckReport report, Stream output, CancellationToken cancellationToken)
    {
        await using var text = new StreamWriter(output, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true);
        await WriteAsync(report, text, cancellationToken);
        await text.FlushAsync(cancellationToken);
    }
}

/// <summary>The report formats Preflight can write.</summary>
public static class ReportWriters
{
    public const string Table = "table";
    public const string Json = "json";
    public const string JUnit = "junit";
    public const string Html = "html";

    public static IReadOnlyList<string> Formats { get; } = [Table, Json, JUnit, Html];

    /// <summary>The writer for <paramref name="format"/> (case-insensitive), or null for an unknown format.</summary>
    public static IReportWriter? For(string format, TableWriterOptions? tableOptions = null) => format.ToLowerInvariant() switch
    {
        Table => new TableReportWriter(tableOptions ?? TableWriterOptions.Plain),
        Json => new JsonReportWriter(),
        JUnit => new JUnitReportWriter(),
        Html => new Html.HtmlReportWriter(),
        _ => null,
    };
}
