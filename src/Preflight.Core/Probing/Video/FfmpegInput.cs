using System.Text.RegularExpressions;
using Preflight.Core.Formats;
using Preflight.Core.Sniffing;

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

    /// <summary>
    /// <see cref="For"/> plus the formats a fix converts from (Matroska/WebM, MPEG-TS, AVI, FLV, FLAC, Ogg, ADTS AAC:
    /// <see cref="FormatDeclaration.FixFfmpeg"/>). Used only by the remediation engine, after the sniffer named the
    /// format: each still gets its own demuxer forced, so a playlist or concat script can never be opened through them.
    /// </summary>
    public static FfmpegInput? ForConversion(string format) =>
        FormatRegistry.Find(format) is { } declared ? declared.Ffmpeg ?? declared.FixFfmpeg : null;
}

/// <summary>The muxers a fix may write, forced by name: the output is never guessed from a file name.</summary>
internal static class FfmpegOutput
{
    public static string? MuxerFor(string format) => format switch
    {
        KnownFormats.Mp4 => "mp4",
        KnownFormats.Mp3 => "mp3",
        KnownFormats.Wav => "wav",
        _ => null,
    };
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

    /// <summary>True when stderr alone says the tool may have lacked resources (memory, threads, its libraries, its cap).</summary>
    public static bool IsResourceFailure(IEnumerable<string> lines) => lines.Any(l =>
        l.Contains("Cannot allocate memory", StringComparison.Ordinal) || LackedResources(l));

    /// <summary>Resources whatever the file: threads, the address space to load the libraries, a cap the shell could not set.</summary>
    private static bool LackedResources(string line) =>
        line.Contains("Resource temporarily unavailable", StringComparison.Ordinal)
        || line.Contains("error while loading shared libraries", StringComparison.Ordinal)
        || line.Contains(FfmpegWrapperFolders.CapFailed, StringComparison.Ordinal);

    /// <summary>
    /// True when the tool failed for lack of resources (the address-space cap, threads), not because of the
    /// file's content: that is reported as <c>probe.failed</c>, not as a corrupt file. "Cannot allocate memory"
    /// counts only when the process really used much of its cap (<paramref name="peakBytes"/> at least half of
    /// <paramref name="capBytes"/>): ffmpeg also says it when a malformed table asks for an impossible amount (a
    /// duplicated 'ctts' box does at ~50 MB; without a cap it is never the limit), and that is a corrupt file. A single
    /// request of half the cap is no file we accept either (the largest needs a fraction of it).
    /// </summary>
    public static bool IsResourceFailure(IReadOnlyList<string> lines, long peakBytes, long capBytes) =>
        lines.Any(LackedResources)
        || (lines.Any(l => l.Contains("Cannot allocate memory", StringComparison.Ordinal)) && capBytes > 0 && peakBytes >= capBytes / 2);

    /// <summary>
    /// The damaged spot of a JPEG as ffmpeg's mjpeg decoder reports it ("error y=12 x=5": the MCU row and column
    /// where decoding went wrong), or null.
    /// </summary>
    public static string? JpegDamage(IReadOnlyList<string> lines)
    {
        foreach (var line in lines)
        {
            if (MjpegErrorAt().Match(line) is { Success: true } m)
                return $"the entropy-coded image data is damaged from MCU row {m.Groups[1].Value}, column {m.Groups[2].Value} on (8x8 to 16x16-pixel blocks, counted from the top left)";
        }
        return null;
    }

    [GeneratedRegex(@"error y=(\d+) x=(\d+)")]
    private static partial Regex MjpegErrorAt();

    [GeneratedRegex(@"^\[([^\]@]+?) @ 0x[0-9a-fA-F]+\]\s*")]
    private static partial Regex ComponentPrefix();
}
