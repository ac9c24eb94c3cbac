using System.Text.RegularExpressions;
using Preflight.Core.Formats;

namespace Preflight.Core.Probing.Video;

/// <summary>
/// How ffprobe/ffmpeg may open a sniffed format. ffprobe follows HLS playlists and ffconcat scripts even
/// under a .mp4 name, so the demuxer is always forced and every other demuxer and protocol is refused.
/// </summary>
internal sealed record FfmpegInput(string Demuxer, string FormatWhitelist, string LinkName)
{
    /// <summary>Input options placed before the input: forced demuxer, demuxer whitelist, files only.</summary>
    public string InputArguments => $"-f {Demuxer} -format_whitelist {FormatWhitelist} -protocol_whitelist file";

    /// <summary>Null for a format we never hand to ffprobe/ffmpeg.</summary>
    public static FfmpegInput? For(string format) => FormatRegistry.Find(format)?.Ffmpeg;
}

/// <summary>Turns ffprobe/ffmpeg stderr into short, safe report text.</summary>
internal static partial class FfmpegStderr
{
    /// <summary>
    /// Non-empty lines with our private temp path replaced by the user's file name and
    /// "[h264 @ 0x55d…] " shortened to "h264: " (addresses are noise in a report).
    /// </summary>
    public static IReadOnlyList<string> Clean(IEnumerable<string>? lines, string privatePath, string displayName)
    {
        var cleaned = new List<string>();
        foreach (var raw in lines ?? [])
        {
            if (string.IsNullOrWhiteSpace(raw))
                continue;
            var line = raw.Replace(privatePath, displayName, StringComparison.Ordinal).Trim();
            line = ComponentPrefix().Replace(line, "$1: ");
            cleaned.Add(line.Length > 300 ? line[..300] + "…" : line);
        }
        return cleaned;
    }

    /// <summary>The first line that says something (the generic "Invalid data…" line only as a last resort).</summary>
    public static string? FirstMeaningful(IReadOnlyList<string> lines) =>
        lines.FirstOrDefault(l => !l.Contains("Invalid data found when processing input", StringComparison.Ordinal))
        ?? lines.FirstOrDefault();

    /// <summary>
    /// True when the tool failed for lack of resources (the address-space cap, threads), not because of the
    /// file's content: that is reported as <c>probe.failed</c>, not as a corrupt file.
    /// </summary>
    public static bool IsResourceFailure(IEnumerable<string> lines) => lines.Any(l =>
        l.Contains("Cannot allocate memory", StringComparison.Ordinal)
        || l.Contains("Resource temporarily unavailable", StringComparison.Ordinal)
        || l.Contains("error while loading shared libraries", StringComparison.Ordinal));

    [GeneratedRegex(@"^\[([^\]@]+?) @ 0x[0-9a-fA-F]+\]\s*")]
    private static partial Regex ComponentPrefix();
}
