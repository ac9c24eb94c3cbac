using Preflight.Core.Tests.Probing.Image;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Probing.Audio;

/// <summary>Real WAV and MP3 files made once per test class by ffmpeg: a 3-second sine in several encodings.</summary>
public sealed class AudioFilesFixture : IDisposable
{
    public const double Seconds = 3.0;

    public AudioFilesFixture()
    {
        Make("s16.wav", "-c:a", "pcm_s16le");
        Make("s24_stereo.wav", "-ac", "2", "-ar", "48000", "-c:a", "pcm_s24le");
        Make("f32.wav", "-c:a", "pcm_f32le");
        Make("u8.wav", "-c:a", "pcm_u8");
        Make("adpcm.wav", "-c:a", "adpcm_ms");
        Make("rf64.wav", "-c:a", "pcm_s16le", "-rf64", "always");
        Make("cbr.mp3", "-c:a", "libmp3lame", "-b:a", "128k");
        Make("vbr_stereo.mp3", "-ac", "2", "-ar", "48000", "-c:a", "libmp3lame", "-q:a", "4");
        Make("tagged.mp3", "-c:a", "libmp3lame", "-metadata", "title=Preflight", "-write_id3v1", "1");
        Make("noxing.mp3", "-c:a", "libmp3lame", "-write_xing", "0");
    }

    public TempDir Dir { get; } = new();

    public string Path(string name) => Dir.File(name);

    public byte[] Bytes(string name) => File.ReadAllBytes(Dir.File(name));

    private void Make(string name, params string[] codec) =>
        FfmpegTool.Run(Dir.Path, ["-f", "lavfi", "-i", $"sine=frequency=440:duration={Seconds}", .. codec, name]);

    public void Dispose() => Dir.Dispose();
}
