using Preflight.Core.Remediation;
using Preflight.Core.Reports;

namespace Preflight.Core.Tests.Remediation;

public sealed class AudioFixTests(FixHarness h) : IClassFixture<FixHarness>
{
    private const string Tone = "-f lavfi -i sine=frequency=440:sample_rate=44100 -t 2";

    [Theory]
    [InlineData("voice.ogg", "-c:a libvorbis -f ogg", ".mp3")]
    [InlineData("voice.opus", "-c:a libopus -f ogg", ".mp3")]
    [InlineData("voice.m4a", "-c:a aac -f ipod", ".mp3")]
    [InlineData("voice.aac", "-c:a aac -f adts", ".mp3")]
    [InlineData("voice.flac", "-c:a flac -f flac", ".wav")]
    [InlineData("voice.mp2", "-c:a mp2 -f mp2", ".mp3")]
    [InlineData("voice.w64", "-c:a pcm_s16le -f w64", ".wav")]
    public async Task Fix_AudioFormatNotAccepted_ConvertedAndPasses(string name, string encode, string extension)
    {
        var input = h.Generate(name, $"{Tone} {encode}");
        var (fix, output) = await h.FixAndKeepAsync(input);

        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        Assert.Contains(fix.Operations, o => o.Op == FixOps.AudioConvert);
        Assert.Equal(extension, Path.GetExtension(output));
        Assert.Equal(Verdict.Pass, fix.After!.Verdict);
        Assert.Equal(2.0, fix.After.Media!.DurationSeconds!.Value, 0.1);
    }

    [Theory]
    [InlineData("big.wav", "")]
    [InlineData("big-rf64.wav", "-rf64 always")] // RF64: 64-bit sizes in a ds64 chunk
    public async Task Fix_WavOverTheSizeLimit_ConvertedToMp3(string name, string container)
    {
        var input = h.Generate(name, $"{Tone} -c:a pcm_s16le {container} -f wav");
        Assert.Equal(container.Length > 0 ? "RF64"u8.ToArray() : "RIFF"u8.ToArray(), File.ReadAllBytes(input)[..4]);
        var (fix, output) = await h.FixAndKeepAsync(input, new FixOptions { Profile = FixHarness.WithMaxBytes("audio", new FileInfo(input).Length / 2) });

        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        Assert.Equal(".mp3", Path.GetExtension(output));
        Assert.Contains("mp3", Assert.Single(fix.Operations).Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Fix_StreamedWav_HeaderRewrittenAudioUnchanged()
    {
        var wav = File.ReadAllBytes(h.Generate("whole.wav", $"{Tone} -c:a pcm_s16le -map_metadata -1 -fflags +bitexact"));
        // What a writer streaming to a pipe leaves: RIFF and data sizes 0xFFFFFFFF ("length unknown").
        var data = IndexOf(wav, "data"u8.ToArray());
        wav.AsSpan(4, 4).Fill(0xFF);
        wav.AsSpan(data + 4, 4).Fill(0xFF);
        var input = h.Write("streamed.wav", wav);

        var (fix, output) = await h.FixAndKeepAsync(input);

        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        Assert.Equal([FixOps.WavHeader], fix.Operations.Select(o => o.Op));
        var fixedBytes = File.ReadAllBytes(output!);
        var audio = wav.AsSpan(data + 8).ToArray();
        Assert.Equal(audio, fixedBytes.AsSpan(IndexOf(fixedBytes, "data"u8.ToArray()) + 8).ToArray());
    }

    [Fact]
    public async Task Fix_AudioOverTenMinutes_NeedsTrimThenCutTo600Seconds()
    {
        var input = h.Generate("long.mp3", "-f lavfi -i sine=frequency=440:sample_rate=22050 -t 605 -ac 1 -c:a libmp3lame -b:a 32k");

        var (without, _) = await h.FixAndKeepAsync(input);
        Assert.Equal(FixStatus.NeedsOption, without.Status);
        Assert.Contains("--trim", without.Reason);
        Assert.Equal(FixOps.Trim, without.Needs);

        var (fix, output) = await h.FixAndKeepAsync(input, new FixOptions { Trim = true });
        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        Assert.Equal(".mp3", Path.GetExtension(output));
        Assert.InRange(fix.After!.Media!.DurationSeconds!.Value, 599.0, 600.0);
    }

    [Fact]
    public async Task Fix_LongWav_TrimmedStaysWav()
    {
        var input = h.Generate("long.wav", "-f lavfi -i sine=frequency=440:sample_rate=8000 -t 601 -ac 1 -c:a pcm_s16le");
        var (fix, output) = await h.FixAndKeepAsync(input, new FixOptions { Trim = true });

        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        Assert.Equal(".wav", Path.GetExtension(output));
        Assert.Equal(600.0, fix.After!.Media!.DurationSeconds!.Value, 0.01);
    }

    [Fact]
    public async Task Fix_TruncatedWav_SalvagedWithTheMissingSecondsReported()
    {
        var wav = File.ReadAllBytes(h.Generate("cut.wav", "-f lavfi -i sine=frequency=440:sample_rate=8000 -t 4 -ac 1 -c:a pcm_s16le"));
        var input = h.Write("truncated.wav", wav[..(wav.Length / 2)]);

        var (without, _) = await h.FixAndKeepAsync(input);
        Assert.Equal(FixStatus.NeedsOption, without.Status);
        Assert.Equal(FixOps.Salvage, without.Needs);

        var (fix, _) = await h.FixAndKeepAsync(input, new FixOptions { Salvage = true });
        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        Assert.NotNull(fix.Lost);
        Assert.InRange(fix.Lost!.Seconds!.Value, 1.5, 2.5);
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
