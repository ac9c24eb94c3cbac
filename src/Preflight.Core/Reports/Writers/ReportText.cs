using System.Globalization;

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

    /// <summary>"12 files: 9 passed, 3 failed in 1.2 s".</summary>
    public static string Summary(CheckSummary summary) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{summary.Files} {(summary.Files == 1 ? "file" : "files")}: {summary.Passed} passed, {summary.Failed} failed in {Elapsed(summary.DurationMs)}");
}
