using System.Diagnostics;
using Preflight.Core.Sniffing;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Sniffing;

/// <summary>Creates one small file per container with Debian's ffmpeg, once for the class.</summary>
public sealed class FfmpegSamplesFixture : IDisposable
{
    private const string Video = "-f lavfi -i testsrc=d=1:s=160x120:r=10";
    private const string Audio = "-f lavfi -i sine=d=1:f=440:r=44100";
    private const string Image = "-f lavfi -i testsrc=s=64x48 -frames:v 1";

    // file name -> ffmpeg arguments before the output name
    public static readonly IReadOnlyDictionary<string, string> Recipes = new Dictionary<string, string>
    {
        ["x.mp4"] = $"{Video} -c:v libx264 -pix_fmt yuv420p",
        ["x.mov"] = $"{Video} -c:v libx264 -pix_fmt yuv420p",
        ["x.m4a"] = $"{Audio} -c:a aac",
        ["x.3gp"] = $"{Video} -c:v mpeg4",
        ["x.webm"] = $"{Video} -c:v libvpx -deadline realtime",
        ["x.mkv"] = $"{Video} -c:v mpeg4",
        ["x.avi"] = $"{Video} -c:v mpeg4",
        ["x.flv"] = $"{Video} -c:v flv",
        ["x.ts"] = $"{Video} -c:v mpeg2video",
        ["x.mp3"] = $"{Audio} -c:a libmp3lame",
        ["x-notag.mp3"] = $"{Audio} -c:a libmp3lame -write_xing 0 -id3v2_version 0",
        ["x.wav"] = $"{Audio} -c:a pcm_s16le",
        ["x.flac"] = $"{Audio} -c:a flac",
        ["x.ogg"] = $"{Audio} -c:a libvorbis",
        ["x.opus"] = $"{Audio} -c:a libopus",
        ["x.aac"] = $"{Audio} -c:a aac -f adts",
        ["x.png"] = Image,
        ["x.jpg"] = Image,
        ["x.gif"] = Image,
        ["x.bmp"] = Image,
        ["x.tiff"] = Image,
        ["x.webp"] = $"{Image} -c:v libwebp",
        ["x.tga"] = $"{Image} -c:v targa",
        ["x.ppm"] = $"{Image} -c:v ppm",
        ["x.pgm"] = $"{Image} -c:v pgm -pix_fmt gray",
    };

    public FfmpegSamplesFixture()
    {
        foreach (var (name, arguments) in Recipes)
        {
            var output = Dir.File(name);
            var start = new ProcessStartInfo("ffmpeg", $"-hide_banner -nostdin -v error -y {arguments} \"{output}\"")
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var process = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start");
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0 || !File.Exists(output))
            {
                throw new InvalidOperationException($"ffmpeg failed for {name} (exit {process.ExitCode}): {stderr}. Install it: apt-get install -y ffmpeg");
            }
        }
    }

    public TempDir Dir { get; } = new();

    public void Dispose() => Dir.Dispose();
}

public sealed class RealFileSniffTests(FfmpegSamplesFixture samples) : IClassFixture<FfmpegSamplesFixture>
{
    [Theory]
    [InlineData("x.mp4", KnownFormats.Mp4, "major brand 'isom'")]
    [InlineData("x.mov", KnownFormats.Mov, "major brand 'qt  '")]
    [InlineData("x.m4a", KnownFormats.M4a, "major brand 'M4A '")]
    [InlineData("x.3gp", KnownFormats.ThreeGp, "major brand '3gp")]
    [InlineData("x.webm", KnownFormats.Webm, "EBML DocType 'webm'")]
    [InlineData("x.mkv", KnownFormats.Mkv, "EBML DocType 'matroska'")]
    [InlineData("x.avi", KnownFormats.Avi, "form type 'AVI '")]
    [InlineData("x.flv", KnownFormats.Flv, "'FLV' version 1")]
    [InlineData("x.ts", KnownFormats.MpegTs, "188-byte packets")]
    [InlineData("x.mp3", KnownFormats.Mp3, "ID3v2.4 tag")]
    [InlineData("x-notag.mp3", KnownFormats.Mp3, "MPEG-1 Layer III frame headers at offset 0")]
    [InlineData("x.wav", KnownFormats.Wav, "'RIFF' header with form type 'WAVE'")]
    [InlineData("x.flac", KnownFormats.Flac, "'fLaC' at offset 0")]
    [InlineData("x.ogg", KnownFormats.Ogg, "(Vorbis)")]
    [InlineData("x.opus", KnownFormats.Ogg, "(Opus)")]
    [InlineData("x.aac", KnownFormats.Aac, "ADTS (AAC, 44100 Hz)")]
    [InlineData("x.png", KnownFormats.Png, "PNG signature")]
    [InlineData("x.jpg", KnownFormats.Jpeg, "FF D8 FF")]
    [InlineData("x.gif", KnownFormats.Gif, "'GIF89a'")]
    [InlineData("x.bmp", KnownFormats.Bmp, "BITMAPINFOHEADER")]
    [InlineData("x.tiff", KnownFormats.Tiff, "TIFF")]
    [InlineData("x.webp", KnownFormats.Webp, "form type 'WEBP'")]
    [InlineData("x.tga", KnownFormats.Tga, "TGA 2.0 footer")]
    [InlineData("x.ppm", KnownFormats.Netpbm, "'P6' at offset 0: binary PPM (colour), 64x48")]
    [InlineData("x.pgm", KnownFormats.Netpbm, "'P5' at offset 0: binary PGM (greyscale), 64x48")]
    public void Sniff_FfmpegOutput_DetectsContainer(string name, string format, string basisFragment)
    {
        var result = FormatSniffer.Default.Sniff(samples.Dir.File(name));

        Assert.True(format == result.Format, $"{name}: expected {format}, got {result.Format} ({result.Basis})");
        Assert.Contains(basisFragment, result.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Sniff_FfmpegOutputUnderWrongName_StillSaysWhatItIs()
    {
        var renamed = samples.Dir.File("actually-a-mov.mp4");
        File.Copy(samples.Dir.File("x.mov"), renamed, overwrite: true);

        Assert.Equal(KnownFormats.Mov, FormatSniffer.Default.Sniff(renamed).Format);
    }
}
