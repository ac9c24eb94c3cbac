namespace Preflight.Core.Rules;

/// <summary>
/// The exact commands that fix a file, written for a POSIX shell with Debian's ffmpeg.
/// File names are single-quoted so any name is safe to paste.
/// </summary>
public static class FixCommands
{
    public static string Quote(string fileName) => "'" + fileName.Replace("'", "'\\''") + "'";

    /// <summary>"clip.mov" + ".mp4" → "clip.fixed.mp4": never overwrite the input.</summary>
    public static string FixedName(string fileName, string newExtension) =>
        Path.GetFileNameWithoutExtension(fileName) + ".fixed" + newExtension;

    public static string Rename(string fileName, string newExtension) =>
        $"mv -n {Quote(fileName)} {Quote(Path.ChangeExtension(fileName, newExtension))}";

    public static string RemuxToMp4(string fileName) =>
        $"ffmpeg -i {Quote(fileName)} -map 0 -c copy -movflags +faststart {Quote(FixedName(fileName, ".mp4"))}";

    public static string TranscodeToMp4(string fileName) =>
        $"ffmpeg -i {Quote(fileName)} -c:v libx264 -pix_fmt yuv420p -crf 20 -c:a aac -b:a 160k -movflags +faststart {Quote(FixedName(fileName, ".mp4"))}";

    public static string Faststart(string fileName) =>
        $"ffmpeg -i {Quote(fileName)} -map 0 -c copy -movflags +faststart {Quote(FixedName(fileName, ".mp4"))}";

    public static string ConvertImage(string fileName, string toExtension) => toExtension == ".jpg"
        ? $"ffmpeg -i {Quote(fileName)} -q:v 2 {Quote(FixedName(fileName, ".jpg"))}"
        : $"ffmpeg -i {Quote(fileName)} {Quote(FixedName(fileName, toExtension))}";

    public static string ConvertAudioToMp3(string fileName) =>
        $"ffmpeg -i {Quote(fileName)} -vn -c:a libmp3lame -b:a 192k {Quote(FixedName(fileName, ".mp3"))}";

    public static string ConvertAudioToWav(string fileName) =>
        $"ffmpeg -i {Quote(fileName)} -vn -c:a pcm_s16le {Quote(FixedName(fileName, ".wav"))}";

    /// <summary>Scale down to fit a box (either orientation), keep aspect, even dimensions for H.264.</summary>
    public static string ScaleVideo(string fileName, int maxLongSide, int maxShortSide, bool landscape)
    {
        var (w, h) = landscape ? (maxLongSide, maxShortSide) : (maxShortSide, maxLongSide);
        return $"ffmpeg -i {Quote(fileName)} -vf \"scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2\" " +
               $"-c:v libx264 -pix_fmt yuv420p -crf 20 -c:a copy -movflags +faststart {Quote(FixedName(fileName, ".mp4"))}";
    }

    public static string ScaleImage(string fileName, int maxSide)
    {
        var ext = Path.GetExtension(fileName).ToLowerInvariant() is ".png" ? ".png" : ".jpg";
        var quality = ext == ".jpg" ? " -q:v 2" : "";
        return $"ffmpeg -i {Quote(fileName)} -vf \"scale={maxSide}:{maxSide}:force_original_aspect_ratio=decrease\"{quality} {Quote(FixedName(fileName, ext))}";
    }

    public static string TrimAudio(string fileName, double maxSeconds) =>
        $"ffmpeg -i {Quote(fileName)} -t {maxSeconds:0.###} -c copy {Quote(FixedName(fileName, Path.GetExtension(fileName).ToLowerInvariant()))}";

    public static string TrimVideo(string fileName, double maxSeconds) =>
        $"ffmpeg -i {Quote(fileName)} -t {maxSeconds:0.###} -c copy -movflags +faststart {Quote(FixedName(fileName, ".mp4"))}";

    /// <summary>Re-encode to a bitrate that lands under <paramref name="maxBytes"/> for the given duration (5 % headroom).</summary>
    public static string ShrinkVideo(string fileName, long maxBytes, double durationSeconds)
    {
        const int audioKbps = 128;
        var totalKbps = maxBytes * 8 * 0.95 / 1000 / durationSeconds;
        var videoKbps = Math.Max(100, (int)(totalKbps - audioKbps));
        return $"ffmpeg -i {Quote(fileName)} -c:v libx264 -pix_fmt yuv420p -b:v {videoKbps}k -maxrate {videoKbps}k -bufsize {videoKbps * 2}k " +
               $"-c:a aac -b:a {audioKbps}k -movflags +faststart {Quote(FixedName(fileName, ".mp4"))}";
    }

    public static string ResampleFrameRate(string fileName, double fps) =>
        $"ffmpeg -i {Quote(fileName)} -vf fps={fps:0.###} -c:v libx264 -pix_fmt yuv420p -crf 20 -c:a copy -movflags +faststart {Quote(FixedName(fileName, ".mp4"))}";
}
