using System.Diagnostics;
using System.Text;

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
            var text = $"[{done}/{total}] {Printable(displayPath)}";
            var width = TerminalWidth() - 1;
            if (text.Length > width) text = text[..Math.Max(0, width)];
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

    private static string Printable(string text)
    {
        var safe = new StringBuilder(text.Length);
        foreach (var ch in text) safe.Append(char.IsControl(ch) ? '?' : ch);
        return safe.ToString();
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
