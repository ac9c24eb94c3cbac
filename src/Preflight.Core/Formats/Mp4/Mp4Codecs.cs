
namespace Preflight.Core.Formats.Mp4;

/// <summary>Maps sample entry fourccs to the codec names the report uses (ffprobe's names where they exist).</summary>
internal static class Mp4Codecs
{
    public static string Video(string fourcc) => fourcc switch
    {
        "avc1" or "avc3" => "h264",
        "hvc1" or "hev1" => "hevc",
        "av01" => "av1",
        "vp09" => "vp9",
        "vp08" => "vp8",
        "mp4v" => "mpeg4",
        // Apple ProRes 422 Proxy/LT/standard/HQ and 4444/XQ: one codec to ffprobe, six sample entries in a MOV.
        "apco" or "apcs" or "apcn" or "apch" or "ap4h" or "ap4x" => "prores",
        _ => fourcc.TrimEnd(' ', '\0'),
    };

    public static string Audio(string fourcc, byte? objectType) => fourcc switch
    {
        "mp4a" => objectType switch
        {
            0x40 or 0x66 or 0x67 or 0x68 => "aac",
            0x69 or 0x6B => "mp3",
            _ => "mp4a",
        },
        ".mp3" => "mp3",
        "ac-3" => "ac3",
        "ec-3" => "eac3",
        "Opus" => "opus",
        "fLaC" => "flac",
        "alac" => "alac",
        _ when IsPcm(fourcc) => "pcm",
        _ => fourcc.TrimEnd(' ', '\0'),
    };

    public static bool IsPcm(string fourcc) =>
        fourcc is "sowt" or "twos" or "lpcm" or "ipcm" or "fpcm" or "in24" or "in32" or "fl32" or "fl64" or "raw ";
}
