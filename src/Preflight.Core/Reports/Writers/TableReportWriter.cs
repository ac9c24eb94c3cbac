using System.Text;

namespace Preflight.Core.Reports.Writers;

public sealed record TableWriterOptions
{
    public static TableWriterOptions Plain { get; } = new();

    /// <summary>Colour the verdict with ANSI escapes. Only for a terminal.</summary>
    public bool Color { get; init; }

    /// <summary>The first finding's message is shortened to this many characters.</summary>
    public int MaxFindingLength { get; init; } = 90;
}

/// <summary>
/// A plain-text table, one row per file, then a summary line. No control codes unless
/// <see cref="TableWriterOptions.Color"/> is on, so the output is safe to pipe and diff.
/// </summary>
public sealed class TableReportWriter(TableWriterOptions options) : IReportWriter
{
    private const string Green = "\u001b[32m";
    private const string Red = "\u001b[31m";
    private const string Reset = "\u001b[0m";

    private static readonly string[] Headers = ["PATH", "KIND", "FORMAT", "SIZE", "DIMENSIONS", "DURATION", "VERDICT", "FIRST FINDING"];

    public string Format => ReportWriters.Table;

    public string MediaType => "text/plain";

    public string DurationText(long milliseconds) => ReportText.Elapsed(milliseconds);

    public async Task WriteAsync(CheckReport report, TextWriter output, CancellationToken cancellationToken)
    {
        var rows = report.Files.Select(Row).ToList();
        // The last column is left unpadded: it is free text and may run long.
        var widths = new int[Headers.Length - 1];
        for (var c = 0; c < widths.Length; c++)
        {
            // Terminal columns, not UTF-16 units: a wide character takes two, a combining mark none.
            widths[c] = Math.Max(Headers[c].Length, rows.Count == 0 ? 0 : rows.Max(r => ReportText.DisplayWidth(r[c])));
        }

        await output.WriteLineAsync(Line(Headers, widths, verdict: null).AsMemory(), cancellationToken);
        for (var i = 0; i < rows.Count; i++)
        {
            await output.WriteLineAsync(Line(rows[i], widths, report.Files[i].Verdict).AsMemory(), cancellationToken);
            if (report.Files[i].Fix is { } fix)
                await output.WriteLineAsync(FixLine(fix).AsMemory(), cancellationToken);
        }
        await output.WriteLineAsync();
        await output.WriteLineAsync(ReportText.Summary(report.Summary).AsMemory(), cancellationToken);
        if (report.Fixes is { } fixes)
        {
            await output.WriteLineAsync(
                $"Fix: {fixes.Fixed} fixed, {fixes.NotNeeded} not needed, {fixes.NeedsOption} need an option, {fixes.NotFixable} not fixable; {fixes.PassingAfter} pass after fixing, {fixes.FailingAfter} still fail.".AsMemory(),
                cancellationToken);
        }
        await output.FlushAsync(cancellationToken);
    }

    private string[] Row(FileReport file)
    {
        var first = file.Findings.FirstOrDefault(f => f.Severity == Severity.Error) ?? file.Findings.FirstOrDefault();
        return
        [
            OneLine(file.Path),
            ReportText.Kind(file.Kind),
            OneLine(file.Detected?.Format ?? "-"),
            ReportText.Size(file.SizeBytes),
            ReportText.Dimensions(file.Media),
            ReportText.Duration(file.Media),
            ReportText.Verdict(file.Verdict),
            first is null ? "-" : OneLine(first.Code + ": " + ReportText.Shorten(first.Message, options.MaxFindingLength)),
        ];
    }

    /// <summary>"  fix: fixed → clip.mp4 (remux, faststart)" or "  fix: needs_option (trim): …" under the file's row.</summary>
    private string FixLine(Remediation.FixInfo fix)
    {
        var status = System.Text.Json.JsonSerializer.Serialize(fix.Status, PreflightJson.Options.Info<Remediation.FixStatus>()).Trim('"');
        var line = new StringBuilder("  fix: ").Append(status);
        // The option first: a long reason is shortened, and what to ask for must not be the part cut off.
        if (fix.Needs is not null) line.Append(" (").Append(fix.Needs).Append(')');
        if (fix.Output is not null) line.Append(" → ").Append(OneLine(fix.Output));
        if (fix.Operations.Count > 0) line.Append(" (").Append(string.Join(", ", fix.Operations.Select(o => o.Op).Distinct())).Append(')');
        if (fix.Lost is { } lost) line.Append("; lost: ").Append(OneLine(lost.Detail));
        if (fix.Reason is not null) line.Append(": ").Append(OneLine(ReportText.Shorten(fix.Reason, options.MaxFindingLength * 2)));
        return line.ToString();
    }

    private string Line(string[] cells, int[] widths, Verdict? verdict)
    {
        var line = new StringBuilder();
        for (var c = 0; c < cells.Length; c++)
        {
            var cell = cells[c];
            var last = c == cells.Length - 1;
            var padding = last ? "" : new string(' ', widths[c] - ReportText.DisplayWidth(cell));
            var padded = cell + padding;
            if (verdict is not null && c == VerdictColumn && options.Color)
            {
                padded = (verdict == Verdict.Pass ? Green : Red) + cell + Reset + padding;
            }
            line.Append(padded);
            if (!last) line.Append("  ");
        }
        return line.ToString().TrimEnd();
    }

    private const int VerdictColumn = 6;

    /// <summary>A file name with a newline, escape or bidi override in it must not break the table, drive the terminal or reorder the row.</summary>
    private static string OneLine(string text) => ReportText.Printable(text);
}
