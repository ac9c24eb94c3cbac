using System.Diagnostics;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Formats.Mp4;

/// <summary>Real files made once per test class with Debian's ffmpeg (2 s test pattern + sine, small).</summary>
public sealed class Mp4Files : IDisposable
{
    private const string Video25 = "-f lavfi -i testsrc=d=2:s=320x240:r=25 -f lavfi -i sine=d=2";

    private readonly TempDir _dir = new();

    public Mp4Files()
    {
        Faststart = Make("faststart.mp4", $"{Video25} -c:v libx264 -c:a aac -shortest -movflags +faststart");
        NotFaststart = Make("plain.mp4", $"{Video25} -c:v libx264 -c:a aac -shortest");
        Fps30 = Make("fps30.mp4", "-f lavfi -i testsrc=d=1:s=320x240:r=30 -c:v libx264 -movflags +faststart");
        // ffmpeg 5.1 has no -display_rotation; the legacy rotate tag still writes a tkhd matrix on stream copy.
        Rotated = Make("rotated.mp4", $"-i {Faststart} -c copy -metadata:s:v:0 rotate=90 -movflags +faststart");
        AudioOnly = Make("audio.m4a", "-f lavfi -i sine=d=2:sample_rate=44100 -ac 2 -c:a aac -movflags +faststart");
        QuickTime = Make("clip.mov", "-f lavfi -i testsrc=d=1:s=320x240:r=30000/1001 -f lavfi -i sine=d=1 -c:v libx264 -c:a pcm_s16le");
        QuickTimeAac = Make("clip-aac.mov", "-f lavfi -i testsrc=d=1:s=320x240:r=25 -f lavfi -i sine=d=1 -c:v libx264 -c:a aac");
        QuickTime24Bit = Make("clip-s24.mov", "-f lavfi -i sine=d=1 -c:a pcm_s24le");
        Mp3Audio = Make("mp3audio.mp4", "-f lavfi -i testsrc=d=1:s=160x120:r=25 -f lavfi -i sine=d=1 -c:v libx264 -c:a libmp3lame");
        ThreeGp = Make("phone.3gp", "-f lavfi -i testsrc=d=1:s=176x144:r=15 -f lavfi -i sine=d=1:sample_rate=8000 -c:v libx264 -c:a aac -ar 8000");
        Fragmented = Make("fragmented.mp4", "-f lavfi -i testsrc=d=2:s=320x240:r=25 -c:v libx264 -g 10 -movflags frag_keyframe+empty_moov");
        // Without empty_moov, moov holds the first fragment's samples and mvhd counts only those.
        FragmentedFirstInMoov = Make("fragmented-first-in-moov.mp4", "-f lavfi -i testsrc=d=2:s=320x240:r=25 -c:v libx264 -g 10 -movflags frag_keyframe");
    }

    public string Faststart { get; }
    public string NotFaststart { get; }
    public string Fps30 { get; }
    public string Rotated { get; }
    public string AudioOnly { get; }
    public string QuickTime { get; }
    public string QuickTimeAac { get; }
    public string QuickTime24Bit { get; }
    public string Mp3Audio { get; }
    public string ThreeGp { get; }
    public string Fragmented { get; }
    public string FragmentedFirstInMoov { get; }

    /// <summary>Writes the first <paramref name="length"/> bytes of <paramref name="source"/> to a new file.</summary>
    public string Truncated(string source, long length, string name)
    {
        var bytes = File.ReadAllBytes(source);
        return _dir.Write(name, bytes[..(int)length]);
    }

    public string Write(string name, byte[] bytes) => _dir.Write(name, bytes);

    public void Dispose() => _dir.Dispose();

    private string Make(string name, string arguments)
    {
        var output = _dir.File(name);
        var start = new ProcessStartInfo("/usr/bin/ffmpeg", $"-nostdin -v error -y {arguments} {output}")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg failed making {name}: {errors}");
        return output;
    }
}
