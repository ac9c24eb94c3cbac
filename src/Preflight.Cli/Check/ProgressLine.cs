using System.Diagnostics;
using Preflight.Core.Reports.Writers;

namespace Preflight.Cli.Check;

/// <summary>
/// "[12/40] a/x.mp4" on standard error, redrawn in place while files are checked and erased at the end.
/// Only for a terminal: when disabled it writes nothing at all, so piped output never holds control codes.
/// </summary>
public sealed class ProgressLine(TextWriter error, bool enabled, int total)
{
    private static readonly TimeSpan RedrawEvery = TimeSpan.FromMilliseconds(80);
    private readonly Lock _gate = new();
    private readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    private int _done;
    private bool _drawn;

    public void Completed(string displayPath)
    {
        var done = Interlocked.Increment(ref _done);
        if (!enabled) return;
        lock (_gate)
        {
            if (_drawn && done < total && _sinceDraw.Elapsed < RedrawEvery) return;
            // Cut by terminal columns: a line that wraps is not erased by the next redraw, so wide names would pile up.
            var text = Fit($"[{done}/{total}] {ReportText.Printable(displayPath)}", TerminalWidth() - 1);
            error.Write("\r\u001b[2K" + text);
            error.Flush();
            _drawn = true;
            _sinceDraw.Restart();
        }
    }

    public void Clear()
    {
        if (!enabled) return;
        lock (_gate)
        {
            if (!_drawn) return;
            error.Write("\r\u001b[2K");
            error.Flush();
            _drawn = false;
        }
    }

    /// <summary>The longest start of <paramref name="text"/> that takes at most <paramref name="columns"/> columns, never half a character.</summary>
    private static string Fit(string text, int columns)
    {
        var used = 0;
        var length = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            used += ReportText.Columns(rune);
            if (used > columns) break;
            length += rune.Utf16SequenceLength;
        }
        return text[..length];
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth > 10 ? Console.WindowWidth : 80;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return 80;
        }
    }
}
