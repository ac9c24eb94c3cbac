using System.Globalization;
using System.Text;

namespace Preflight.Core.Reports.Writers;

/// <summary>Short human renderings of report values, shared by the text writers.</summary>
public static class ReportText
{
    public static string Kind(AssetKind kind) => kind switch
    {
        AssetKind.Video => "video",
        AssetKind.Image => "image",
        AssetKind.Audio => "audio",
        _ => "unknown",
    };

    public static string Verdict(Verdict verdict) => verdict == Reports.Verdict.Pass ? "pass" : "fail";

    public static string Severity(Severity severity) => severity switch
    {
        Reports.Severity.Error => "error",
        Reports.Severity.Warning => "warning",
        _ => "info",
    };

    /// <summary>Decimal units (1 MB = 10^6 bytes), the same unit the built-in profile counts limits in.</summary>
    public static string Size(long bytes)
    {
        if (bytes < 1000) return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        string[] units = ["kB", "MB", "GB", "TB"];
        var value = bytes / 1000.0;
        var unit = 0;
        while (value >= 999.95 && unit < units.Length - 1)
        {
            value /= 1000.0;
            unit++;
        }
        return value.ToString(value < 10 ? "0.0#" : "0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    public static string Dimensions(MediaFacts? media) =>
        media is { Width: { } w, Height: { } h }
            ? w.ToString(CultureInfo.InvariantCulture) + "x" + h.ToString(CultureInfo.InvariantCulture)
            : "-";

    public static string Duration(MediaFacts? media) =>
        media?.DurationSeconds is { } seconds ? Duration(seconds) : "-";

    public static string Duration(double seconds) =>
        seconds.ToString(seconds < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " s";

    /// <summary>Elapsed wall time for summaries: "41 ms", "1.2 s".</summary>
    public static string Elapsed(long milliseconds) =>
        milliseconds < 1000
            ? milliseconds.ToString(CultureInfo.InvariantCulture) + " ms"
            : (milliseconds / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + " s";

    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="max"/> characters, marking the cut with "...".</summary>
    public static string Shorten(string text, int max)
    {
        var oneLine = text.ReplaceLineEndings(" ");
        if (oneLine.Length <= max) return oneLine;
        if (max <= 3) return oneLine[..max];
        var cut = max - 3;
        if (char.IsHighSurrogate(oneLine[cut - 1])) cut--;
        return oneLine[..cut] + "...";
    }

    /// <summary>
    /// Text from a stranger (a file name, a message that quotes one) as one line a terminal only shows: control
    /// characters (ESC, CR, LF, the C1 CSI…), line and paragraph separators and bidi controls (they reorder what
    /// follows, so a failing row could read as another) become '?'; a lone surrogate becomes U+FFFD.
    /// </summary>
    public static string Printable(string text)
    {
        var firstBad = -1;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (Unprintable(text[i])) { firstBad = i; break; }
        }
        if (firstBad < 0) return text;

        var safe = new StringBuilder(text.Length);
        safe.Append(text, 0, firstBad);
        for (var i = firstBad; i < text.Length; i++)
        {
            var ch = text[i];
            if (char.IsHighSurrogate(ch) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                safe.Append(ch).Append(text[++i]);
            }
            else if (char.IsSurrogate(ch)) safe.Append('\uFFFD');
            else safe.Append(Unprintable(ch) ? '?' : ch);
        }
        return safe.ToString();
    }

    private static bool Unprintable(char ch) =>
        char.IsControl(ch) || char.IsSurrogate(ch)
        || ch is '\u2028' or '\u2029'
        || ch is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C';

    /// <summary>
    /// The terminal columns <paramref name="text"/> takes, to align and cut text by what is seen: East Asian wide
    /// characters and emoji take two, combining marks and format characters none, others one (a lone surrogate is
    /// shown as U+FFFD: one).
    /// </summary>
    public static int DisplayWidth(string text)
    {
        var width = 0;
        foreach (var rune in text.EnumerateRunes()) width += Columns(rune);
        return width;
    }

    /// <summary>Columns of one character, after Markus Kuhn's wcwidth (with the emoji blocks terminals draw wide).</summary>
    public static int Columns(Rune rune)
    {
        var category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format) return 0;
        var c = rune.Value;
        var wide = c is >= 0x1100 and <= 0x115F
            || (c is >= 0x2E80 and <= 0xA4CF && c != 0x303F)
            || c is >= 0xAC00 and <= 0xD7A3
            || c is >= 0xF900 and <= 0xFAFF
            || c is >= 0xFE10 and <= 0xFE19
            || c is >= 0xFE30 and <= 0xFE6F
            || c is >= 0xFF00 and <= 0xFF60
            || c is >= 0xFFE0 and <= 0xFFE6
            || c is >= 0x1F300 and <= 0x1F64F
            || c is >= 0x1F900 and <= 0x1F9FF
            || c is >= 0x20000 and <= 0x3FFFD;
        return wide ? 2 : 1;
    }

    /// <summary>"12 files: 9 passed, 3 failed in 1.2 s".</summary>
    public static string Summary(CheckSummary summary) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{summary.Files} {(summary.Files == 1 ? "file" : "files")}: {summary.Passed} passed, {summary.Failed} failed in {Elapsed(summary.DurationMs)}");
}
