using Preflight.Core.Inspection;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;
using Preflight.Core.Tests.Remediation;

namespace Preflight.Core.Tests.Formats.W64;

/// <summary>Sony Wave64: sniffed by its GUIDs from ffmpeg's own files, never taken for WAV, failed with a way out.</summary>
public sealed class W64Tests(FixHarness h) : IClassFixture<FixHarness>
{
    private static SniffResult Sniff(byte[] bytes) => FormatSniffer.Default.Sniff(new MemoryStream(bytes));

    private byte[] Encode(string name, string codec = "pcm_s16le") =>
        File.ReadAllBytes(h.Generate(name, $"-f lavfi -i sine=frequency=440 -t 1 -c:a {codec} -f w64"));

    [Theory]
    [InlineData("s16.w64", "pcm_s16le")]
    [InlineData("s24.w64", "pcm_s24le")]
    [InlineData("float.w64", "pcm_f32le")]
    public void Sniff_FfmpegW64_IsW64(string name, string codec)
    {
        var result = Sniff(Encode(name, codec));

        Assert.Equal(KnownFormats.W64, result.Format);
        Assert.Equal("audio/x-w64", result.Mime);
        Assert.Equal("Wave64 'riff' GUID at offset 0 and 'wave' GUID at offset 24", result.Basis);
    }

    [Fact]
    public void Sniff_RiffGuidWithoutWaveGuid_IsNotW64()
    {
        var w64 = Encode("noform.w64");
        w64[24] ^= 0xFF;

        Assert.NotEqual(KnownFormats.W64, Sniff(w64).Format);
    }

    [Fact]
    public void Sniff_OnlyTheFirstFourBytesOfTheGuid_IsNotW64()
    {
        // "riff" in lower case alone is just text; the whole GUID must be there.
        var w64 = Encode("short.w64");
        w64[4] ^= 0xFF;

        Assert.NotEqual(KnownFormats.W64, Sniff(w64).Format);
    }

    [Theory]
    [InlineData("voice.w64")]
    [InlineData("voice.wav")]
    public async Task Inspect_W64_FailsAsUnsupportedAudioWithAConversionCommand(string name)
    {
        var path = h.Write("inspect-" + name, Encode("inspect.w64"));

        var report = await h.Inspector.InspectAsync(new InspectionRequest(path, name), new InspectionOptions(), CancellationToken.None);

        Assert.Equal(Verdict.Fail, report.Verdict);
        Assert.Equal(KnownFormats.W64, report.Detected!.Format);
        var unsupported = Assert.Single(report.Findings, f => f.Code == FindingCodes.FormatUnsupported);
        Assert.Contains("Wave64", unsupported.Message, StringComparison.Ordinal);
        Assert.NotNull(unsupported.Fix);
    }
}
