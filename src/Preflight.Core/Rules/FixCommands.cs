namespace Preflight.Core.Rules;

/// <summary>
/// The exact commands that fix a file, written for a POSIX shell with Debian's ffmpeg.
/// File names are single-quoted so any name is safe to paste.
/// </summary>
public static class FixCommands
{
    public static string Quote(string fileName) => "'" + fileName.Replace("'", "'\\''") + "'";

    /// <summary>
    /// A file name as a command argument: quoted, and behind "./" when a tool would misread it — a leading '-'
    /// is an option to mv and ffmpeg, and "name:rest" is a protocol to ffmpeg.
    /// </summary>
    public static string Arg(string fileName)
    {
        var colon = fileName.IndexOf(':');
        var slash = fileName.IndexOf('/');
        var misread = fileName.StartsWith('-') || (colon >= 0 && (slash < 0 || colon < slash));
        return Quote(misread ? "./" + fileName : fileName);
    }

    /// <summary>"clip.mov" + ".mp4" → "clip.fixed.mp4": never overwrite the input.</summary>
    public static string FixedName(string fileName, string newExtension) =>
        Path.GetFileNameWithoutExtension(fileName) + ".fixed" + newExtension;

    public static string Rename(string fileName, string newExtension) =>
        $"mv -n {Arg(fileName)} {Arg(Path.ChangeExtension(fileName, newExtension))}";

    public static string RemuxToMp4(string fileName) =>
        $"ffmpeg -i {Arg(fileName)} -map 0 -c copy -movflags +faststart {Arg(FixedName(fileName, ".mp4"))}";

    public static string TranscodeToMp4(string fileName) =>
        $"ffmpeg -i {Arg(fileName)} -c:v libx264 -pix_fmt yuv420p -crf 20 -c:a aac -b:a 160k -movflags +faststart {Arg(FixedName(fileName, ".mp4"))}";

    /// <summary>A re-mux writes 'moov' first: the same command as <see cref="RemuxToMp4"/>.</summary>
    public static string Faststart(string fileName) => RemuxToMp4(fileName);

    public static string ConvertImage(string fileName, string toExtension) => toExtension == ".jpg"
        ? $"ffmpeg -i {Arg(fileName)} -q:v 2 {Arg(FixedName(fileName, ".jpg"))}"
        : $"ffmpeg -i {Arg(fileName)} {Arg(FixedName(fileName, toExtension))}";

    public static string ConvertAudioToMp3(string fileName) =>
        $"ffmpeg -i {Arg(fileName)} -vn -c:a libmp3lame -b:a 192k {Arg(FixedName(fileName, ".mp3"))}";

    /// <summary>Re-writes a WAV's header with the sizes of the audio actually present (no re-encoding).</summary>
    public static string RewriteWavHeader(string fileName) =>
        $"ffmpeg -i {Arg(fileName)} -c copy {Arg(FixedName(fileName, ".wav"))}";

    /// <summary>Re-writes an MP3's tags and frames as they are (no re-encoding): what players skip is dropped.</summary>
    public static string RemuxMp3(string fileName) =>
        $"ffmpeg -i {Arg(fileName)} -map 0:a -c copy {Arg(FixedName(fileName, ".mp3"))}";

    public static string ConvertAudioToWav(string fileName) =>
        $"ffmpeg -i {Arg(fileName)} -vn -c:a pcm_s16le {Arg(FixedName(fileName, ".wav"))}";

    /// <summary>Scale down to fit a box (either orientation), keep aspect, even dimensions for H.264.</summary>
    public static string ScaleVideo(string fileName, int maxLongSide, int maxShortSide, bool landscape)
    {
        var (w, h) = landscape ? (maxLongSide, maxShortSide) : (maxShortSide, maxLongSide);
        return $"ffmpeg -i {Arg(fileName)} -vf \"scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2\" " +
               $"-c:v libx264 -pix_fmt yuv420p -crf 20 -c:a copy -movflags +faststart {Arg(FixedName(fileName, ".mp4"))}";
    }

    public static string ScaleImage(string fileName, int maxSide)
    {
        var ext = Path.GetExtension(fileName).ToLowerInvariant() is ".png" ? ".png" : ".jpg";
        var quality = ext == ".jpg" ? " -q:v 2" : "";
        return $"ffmpeg -i {Arg(fileName)} -vf \"scale={maxSide}:{maxSide}:force_original_aspect_ratio=decrease\"{quality} {Arg(FixedName(fileName, ext))}";
    }

    /// <summary>
    /// Re-encodes: stream copy cuts only at whole packets and overshot the limit it was meant to meet
    /// (a 601 s MP3 became 600.12 s, a WAV 600.0036 s), so the fix would have failed its own check.
    /// </summary>
    public static string TrimAudio(string fileName, double maxSeconds)
    {
        var ext = Path.GetExtension(fileName).ToLowerInvariant() is ".wav" ? ".wav" : ".mp3";
        var codec = ext == ".wav" ? "pcm_s16le" : "libmp3lame -q:a 2";
        return $"ffmpeg -i {Arg(fileName)} -t {Number(maxSeconds)} -vn -c:a {codec} {Arg(FixedName(fileName, ext))}";
    }

    /// <summary>Re-encodes for the same reason as <see cref="TrimAudio"/>: a copy cut ends on a packet, not at the limit (181 s → 180.2 s).</summary>
    public static string TrimVideo(string fileName, double maxSeconds) =>
        $"ffmpeg -i {Arg(fileName)} -t {Number(maxSeconds)} -c:v libx264 -pix_fmt yuv420p -crf 20 -c:a aac -b:a 160k -movflags +faststart {Arg(FixedName(fileName, ".mp4"))}";

    /// <summary>Re-encode to a bitrate that lands under <paramref name="maxBytes"/> for the given duration (5 % headroom).</summary>
    public static string ShrinkVideo(string fileName, long maxBytes, double durationSeconds)
    {
        const int audioKbps = 128;
        var totalKbps = maxBytes * 8 * 0.95 / 1000 / durationSeconds;
        var videoKbps = Math.Max(100, (int)(totalKbps - audioKbps));
        return $"ffmpeg -i {Arg(fileName)} -c:v libx264 -pix_fmt yuv420p -b:v {videoKbps}k -maxrate {videoKbps}k -bufsize {videoKbps * 2}k " +
               $"-c:a aac -b:a {audioKbps}k -movflags +faststart {Arg(FixedName(fileName, ".mp4"))}";
    }

    public static string ResampleFrameRate(string fileName, double fps) =>
        $"ffmpeg -i {Arg(fileName)} -vf fps={Number(fps)} -c:v libx264 -pix_fmt yuv420p -crf 20 -c:a copy -movflags +faststart {Arg(FixedName(fileName, ".mp4"))}";

    /// <summary>Numbers in commands never follow the user's culture ("29,97" is not a frame rate to ffmpeg).</summary>
    private static string Number(double value) => value.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
}
