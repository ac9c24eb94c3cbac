using Preflight.Core.Formats.Wav;
using Preflight.Core.Probing;
using Preflight.Core.Reports;
using Preflight.Core.Tests.Probing;
using Preflight.Core.Tests.Probing.Audio;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Formats.Wav;

public sealed class WavProberTests(AudioFilesFixture files) : IClassFixture<AudioFilesFixture>, IDisposable
{
    private readonly WavProber _prober = new();
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private ProbeResult ProbeBytes(byte[] bytes) => _prober.Probe(_dir.Write("test.wav", bytes));


    [Fact]
    public void Probe_TensOfThousandsOfChunks_IsCorrupt()
    {
        // 49 MB of empty chunks took NAudio 8 s and 320 MB (it keeps every chunk); no real WAV has more than a handful.
        var junk = new byte[(WavStructure.MaxChunks + 1) * 8];
        for (var i = 0; i < junk.Length; i += 8) "junk"u8.CopyTo(junk.AsSpan(i));

        ProbeAssert.Corrupt(ProbeBytes(new WavBuilder { TrailingChunk = junk }.Build()), "chunks");
    }

    [Theory]
    [InlineData("s16.wav", "pcm_s16le", 44100, 1, 16)]
    [InlineData("s24_stereo.wav", "pcm_s24le", 48000, 2, 24)]
    [InlineData("f32.wav", "pcm_f32le", 44100, 1, 32)]
    [InlineData("u8.wav", "pcm_u8", 44100, 1, 8)]
    [InlineData("adpcm.wav", "adpcm_ms", 44100, 1, 4)]
    [InlineData("rf64.wav", "pcm_s16le", 44100, 1, 16)]
    public void Probe_RealWav_ReportsFacts(string name, string codec, int rate, int channels, int bits)
    {
        var result = _prober.Probe(files.Path(name));

        Assert.Empty(result.Findings);
        Assert.Equal(codec, result.Media.AudioCodec);
        Assert.Equal(rate, result.Media.SampleRate);
        Assert.Equal(channels, result.Media.Channels);
        Assert.Equal(bits, result.Media.BitDepth);
        Assert.InRange(result.Media.DurationSeconds ?? 0, AudioFilesFixture.Seconds - 0.05, AudioFilesFixture.Seconds + 0.05);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.99)]
    public void Probe_TruncatedRealWav_IsCorrupt(double keep)
    {
        var bytes = files.Bytes("s16.wav");

        ProbeAssert.Corrupt(ProbeBytes(bytes[..(int)(bytes.Length * keep)]), "truncated");
    }

    [Fact]
    public void Probe_TruncatedRealRf64_IsCorrupt()
    {
        var bytes = files.Bytes("rf64.wav");

        ProbeAssert.Corrupt(ProbeBytes(bytes[..(bytes.Length / 2)]), "truncated");
    }

    [Fact]
    public void Probe_RealWavCutToItsHeader_IsCorrupt()
    {
        var bytes = files.Bytes("s16.wav");

        ProbeAssert.Corrupt(ProbeBytes(bytes[..44]), "truncated");
    }

    [Fact]
    public void Probe_BuiltWav_ComputesDurationFromBlockAlign()
    {
        var result = ProbeBytes(new WavBuilder { DataBytes = 48000 * 4 * 2 }.Build());

        Assert.Empty(result.Findings);
        Assert.Equal(2.0, result.Media.DurationSeconds);
        Assert.Equal(2, result.Media.Channels);
    }

    [Fact]
    public void Probe_DataSizeMaxButSixteenBytesPresent_IsCorruptWithHeaderRewriteFix()
    {
        var bytes = new WavBuilder { DataBytes = 16, DeclaredDataSize = 0xFFFFFFFF, DeclaredRiffSize = 0xFFFFFFFF }.Build();

        var result = ProbeBytes(bytes);

        ProbeAssert.Corrupt(result, "declares 4,294,967,295 bytes (0xFFFFFFFF, 'length unknown'");
        Assert.Contains("but 16 are present", result.Findings[0].Message);
        Assert.Contains("-c copy", result.Findings[0].Fix);
    }

    [Fact]
    public void Probe_DataSizeLargerThanFileButNotTheStreamingValue_IsTruncatedWithoutFix()
    {
        var bytes = new WavBuilder { DataBytes = 16, DeclaredDataSize = 1_000_000 }.Build();

        var result = ProbeBytes(bytes);

        ProbeAssert.Corrupt(result, "declares 1,000,000 bytes of audio but only 16 are present: the file is truncated");
        Assert.Null(result.Findings[0].Fix);
    }

    [Fact]
    public void Probe_RiffSizeLargerThanFile_IsTruncated()
    {
        var bytes = new WavBuilder { DeclaredRiffSize = 10_000_000 }.Build();

        ProbeAssert.Corrupt(ProbeBytes(bytes), "header declares 10,000,008 bytes");
    }

    [Fact]
    public void Probe_BlockAlignZero_IsCorrupt()
    {
        ProbeAssert.Corrupt(ProbeBytes(new WavBuilder { BlockAlign = 0 }.Build()), "block align of 0");
    }

    [Fact]
    public void Probe_ChannelsZero_IsCorrupt()
    {
        ProbeAssert.Corrupt(ProbeBytes(new WavBuilder { Channels = 0, BlockAlign = 4 }.Build()), "0 channels");
    }

    [Fact]
    public void Probe_SampleRateZero_IsCorrupt()
    {
        ProbeAssert.Corrupt(ProbeBytes(new WavBuilder { SampleRate = 0, AverageBytesPerSecond = 1 }.Build()), "sample rate of 0");
    }

    [Fact]
    public void Probe_InconsistentBlockAlign_IsCorrupt()
    {
        ProbeAssert.Corrupt(ProbeBytes(new WavBuilder { BlockAlign = 3 }.Build()), "inconsistent");
    }

    [Fact]
    public void Probe_NoFmtChunk_IsCorrupt()
    {
        ProbeAssert.Corrupt(ProbeBytes(new WavBuilder { IncludeFormat = false }.Build()), "no fmt chunk");
    }

    [Fact]
    public void Probe_NoDataChunk_IsCorrupt()
    {
        ProbeAssert.Corrupt(ProbeBytes(new WavBuilder { IncludeData = false }.Build()), "no data chunk");
    }

    [Fact]
    public void Probe_EmptyDataChunk_IsCorrupt()
    {
        ProbeAssert.Corrupt(ProbeBytes(new WavBuilder { DataBytes = 0 }.Build()), "holds no audio");
    }

    [Fact]
    public void Probe_TrailingChunkRunningPastEnd_IsTruncated()
    {
        byte[] list = [.. "LIST"u8, 0x00, 0x10, 0x00, 0x00, .. "INFO"u8];

        ProbeAssert.Corrupt(ProbeBytes(new WavBuilder { TrailingChunk = list }.Build()), "chunk 'LIST'");
    }

    [Fact]
    public void Probe_Rf64_ReadsDs64Sizes()
    {
        var result = ProbeBytes(new WavBuilder { Container = "RF64" }.Build());

        Assert.Empty(result.Findings);
        Assert.Equal(1.0, result.Media.DurationSeconds);
    }

    [Fact]
    public void Probe_Rf64NegativeDataSize_IsCorrupt()
    {
        ProbeAssert.Corrupt(ProbeBytes(new WavBuilder { Container = "RF64", Ds64DataSize = -5 }.Build()), "negative size");
    }

    [Fact]
    public void Probe_Rf64AbsurdDataSize_IsTruncated()
    {
        ProbeAssert.Corrupt(ProbeBytes(new WavBuilder { Container = "RF64", Ds64DataSize = long.MaxValue / 2 }.Build()), "truncated");
    }

    [Fact]
    public void Probe_Rf64WithoutDs64_IsCorrupt()
    {
        ProbeAssert.Corrupt(ProbeBytes(new WavBuilder { Container = "RF64", IncludeDs64 = false }.Build()), "ds64");
    }

    [Fact]
    public void Probe_ExtensibleFloat_UsesSubFormat()
    {
        var result = ProbeBytes(new WavBuilder { Extensible = true, FormatTag = 3, BitsPerSample = 32 }.Build());

        Assert.Empty(result.Findings);
        Assert.Equal("pcm_f32le", result.Media.AudioCodec);
        Assert.Equal(0.5, result.Media.DurationSeconds);
    }

    [Fact]
    public void Probe_NotRiff_IsCorrupt()
    {
        ProbeAssert.Corrupt(ProbeBytes(new byte[64]), "RIFF");
    }

    [Fact]
    public void Probe_ShorterThanHeader_IsCorrupt()
    {
        ProbeAssert.Corrupt(ProbeBytes("RIFF"u8.ToArray()), "shorter than a RIFF header");
    }
}
