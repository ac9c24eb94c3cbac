using Preflight.Core.Inspection;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;
using Preflight.Core.Tests.Remediation;
using static Preflight.Core.Tests.Sniffing.Samples;

namespace Preflight.Core.Tests.Formats.Mp2;

/// <summary>MP2 (MPEG audio Layer II): sniffed from ffmpeg's own files, never mistaken for MP3, failed with a way out.</summary>
public sealed class Mp2Tests(FixHarness h) : IClassFixture<FixHarness>
{
    private static SniffResult Sniff(byte[] bytes) => FormatSniffer.Default.Sniff(new MemoryStream(bytes));

    private byte[] Encode(string name, string options) =>
        File.ReadAllBytes(h.Generate(name, $"-f lavfi -i sine=frequency=440 -t 1 -c:a mp2 {options} -f mp2"));

    [Theory]
    [InlineData("48k.mp2", "-ar 48000 -b:a 192k", "MPEG-1")]
    [InlineData("44k.mp2", "-ar 44100 -b:a 128k", "MPEG-1")]
    [InlineData("32k.mp2", "-ar 32000 -b:a 64k", "MPEG-1")]
    [InlineData("24k.mp2", "-ar 24000 -b:a 64k", "MPEG-2")]
    [InlineData("16k.mp2", "-ar 16000 -b:a 32k", "MPEG-2")]
    public void Sniff_FfmpegMp2_IsMp2(string name, string options, string version)
    {
        var result = Sniff(Encode(name, options));

        Assert.Equal(KnownFormats.Mp2, result.Format);
        Assert.Equal("audio/mpeg", result.Mime);
        Assert.Equal($"two consecutive {version} Layer II frame headers at offset 0", result.Basis);
    }

    [Fact]
    public void Sniff_Id3v2TagThenMp2Frames_SkipsTheTag()
    {
        var result = Sniff(Concat(Id3(300), Encode("tagged.mp2", "-ar 48000 -b:a 128k")));

        Assert.Equal(KnownFormats.Mp2, result.Format);
        Assert.Contains("at offset 310 (after a 310-byte ID3v2.4 tag)", result.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Sniff_Mp3_StaysMp3()
    {
        var mp3 = File.ReadAllBytes(h.Generate("layer3.mp3", "-f lavfi -i sine=frequency=440 -t 1 -c:a libmp3lame -b:a 128k -f mp3"));
        Assert.Equal(KnownFormats.Mp3, Sniff(mp3).Format);
    }

    [Fact]
    public void Sniff_OneLayerIIHeaderThenOtherBytes_IsNotMp2()
    {
        // A frame sync turns up by chance in random data: one header is not enough, the next frame must follow.
        var mp2 = Encode("one.mp2", "-ar 48000 -b:a 192k");
        var frame = 144 * 192_000 / 48_000;
        var result = Sniff(Concat(mp2[..frame], Random(4096, seed: 15)));

        Assert.NotEqual(KnownFormats.Mp2, result.Format);
    }

    [Fact]
    public void Sniff_LayerIOrMpeg25Headers_AreNotMp2()
    {
        // The same chained frames with the layer bits set to Layer I, then with the version bits set to MPEG-2.5.
        var mp2 = Encode("bits.mp2", "-ar 48000 -b:a 192k");
        var layer1 = (byte[])mp2.Clone();
        var mpeg25 = (byte[])mp2.Clone();
        foreach (var offset in new[] { 0, 144 * 192_000 / 48_000 })
        {
            layer1[offset + 1] = (byte)(layer1[offset + 1] | 0b110);
            mpeg25[offset + 1] = (byte)(mpeg25[offset + 1] & ~0b1_1000);
        }

        Assert.NotEqual(KnownFormats.Mp2, Sniff(layer1).Format);
        Assert.NotEqual(KnownFormats.Mp2, Sniff(mpeg25).Format);
    }

    [Theory]
    [InlineData("voice.mp2")]
    [InlineData("voice.mp3")]
    public async Task Inspect_Mp2_FailsAsUnsupportedAudioWithAConversionCommand(string name)
    {
        var path = h.Write("inspect-" + name, Encode("inspect.mp2", "-ar 44100 -b:a 128k"));

        var report = await h.Inspector.InspectAsync(new InspectionRequest(path, name), new InspectionOptions(), CancellationToken.None);

        Assert.Equal(Verdict.Fail, report.Verdict);
        Assert.Equal(KnownFormats.Mp2, report.Detected!.Format);
        var unsupported = Assert.Single(report.Findings, f => f.Code == FindingCodes.FormatUnsupported);
        Assert.Contains("MP2", unsupported.Message, StringComparison.Ordinal);
        Assert.Contains("libmp3lame", unsupported.Fix, StringComparison.Ordinal);
    }
}
