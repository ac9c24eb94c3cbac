using Preflight.Core.Inspection;
using Preflight.Core.Remediation;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace Preflight.Core.Tests.Remediation;

/// <summary>Defects found reviewing the fix engine: each test failed before its fix.</summary>
public sealed class FixReviewTests(FixHarness h) : IClassFixture<FixHarness>
{
    [Theory]
    [InlineData(".webp")]
    [InlineData(".bmp")]
    [InlineData(".gif")]
    public async Task Fix_DamagedImages_AreReportsNeverExceptions(string extension)
    {
        // ImageSharp's decoders threw ArgumentException, IndexOutOfRangeException, NullReferenceException,
        // InvalidOperationException and DivideByZeroException on these: they escaped the engine ("internal error").
        var good = Encode(extension, Gradient(40, 30));
        var random = new Random(11);
        for (var i = 0; i < 120; i++)
        {
            var bytes = (byte[])good.Clone();
            for (var f = 1 + random.Next(4); f > 0; f--)
                bytes[random.Next(Math.Min(bytes.Length, 200))] = (byte)random.Next(256);
            var input = h.Write($"damaged-{i}{extension}", bytes);

            var (fix, _) = await h.FixAndKeepAsync(input);

            Assert.True(fix.Status is FixStatus.Fixed or FixStatus.NotFixable, $"mutation {i}: {fix.Status}");
            if (fix.Status == FixStatus.NotFixable) Assert.False(string.IsNullOrWhiteSpace(fix.Reason));
        }
    }

    [Fact]
    public async Task Fix_BmpDeclaringAnImpossibleHeight_NotFixable()
    {
        var bytes = Encode(".bmp", Gradient(40, 30));
        BitConverter.GetBytes(1_845_493_730).CopyTo(bytes, 22); // biHeight: ImageSharp's Identify threw InvalidOperationException
        var input = h.Write("tall.bmp", bytes);

        var (fix, output) = await h.FixAndKeepAsync(input);

        Assert.Equal(FixStatus.NotFixable, fix.Status);
        Assert.Contains("ImageSharp", fix.Reason);
        Assert.Null(output);
    }

    [Theory]
    [InlineData("voice.m4a", null)]
    [InlineData("voice.mp4", AssetKind.Audio)]
    public async Task Fix_AudioOnlyMp4OutsideAVideoSlot_ConvertedToMp3(string name, AssetKind? declared)
    {
        // ffmpeg's default MP4 brand ('isom') makes an audio-only file "MP4 video" to the sniffer: named .m4a, or
        // uploaded as audio, it is audio, and audio_convert applies (it was not_fixable: "no video stream").
        var input = h.Generate(name, "-f lavfi -i sine=sample_rate=48000 -t 1 -c:a aac -f mp4");
        var before = FixHarness.Sha(input);
        using var outcome = await h.Remediator.FixAsync(
            new InspectionRequest(input, name) { DeclaredKind = declared }, new FixOptions(), CancellationToken.None);
        var fix = outcome.Report.Fix!;

        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        Assert.Equal([FixOps.AudioConvert], fix.Operations.Select(o => o.Op));
        Assert.Equal(".mp3", outcome.OutputExtension);
        Assert.Equal("mp3", fix.After!.Media!.AudioCodec);
        Assert.Equal(before, FixHarness.Sha(input));

        // Idempotent: the output fixed again needs nothing.
        var again = h.Write("again-" + Path.GetFileNameWithoutExtension(name) + ".mp3", File.ReadAllBytes(outcome.OutputPath!));
        var (second, _) = await h.FixAndKeepAsync(again);
        Assert.Equal(FixStatus.NotNeeded, second.Status);
    }

    [Fact]
    public async Task Fix_AudioOnlyMp4InAVideoSlot_StillNotFixable()
    {
        var input = h.Generate("voice-slot.m4a", "-f lavfi -i sine=sample_rate=48000 -t 1 -c:a aac -f mp4");
        using var outcome = await h.Remediator.FixAsync(
            new InspectionRequest(input, "voice-slot.m4a") { DeclaredKind = AssetKind.Video }, new FixOptions(), CancellationToken.None);

        Assert.Equal(FixStatus.NotFixable, outcome.Report.Fix!.Status);
        Assert.Contains("video stream", outcome.Report.Fix.Reason);
        Assert.Null(outcome.OutputPath);
    }

    internal static byte[] Encode(string extension, Image<Rgba32> image)
    {
        using var stream = new MemoryStream();
        switch (extension)
        {
            case ".webp": image.Save(stream, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }); break;
            case ".bmp": image.Save(stream, new BmpEncoder()); break;
            default: image.Save(stream, new GifEncoder()); break;
        }
        return stream.ToArray();
    }

    private static Image<Rgba32> Gradient(int w, int h)
    {
        var image = new Image<Rgba32>(w, h);
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
            image[x, y] = new Rgba32((byte)(x * 6), (byte)(y * 8), (byte)(x ^ y));
        return image;
    }

    /// <summary>A GIF with a <paramref name="width"/> x <paramref name="height"/> screen and <paramref name="frames"/> one-pixel frames: tiny on disk.</summary>
    internal static byte[] ManyFrameGif(int width, int height, int frames)
    {
        var bytes = new List<byte>();
        bytes.AddRange("GIF89a"u8.ToArray());
        bytes.AddRange([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0x80, 0, 0]);
        bytes.AddRange([0, 0, 0, 255, 255, 255]); // global colour table: black, white
        for (var i = 0; i < frames; i++)
        {
            bytes.AddRange([0x21, 0xF9, 0x04, 0x00, 0x0A, 0x00, 0x00, 0x00]); // graphic control: 0.1 s
            bytes.AddRange([0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0]); // a 1x1 frame at 0,0
            bytes.AddRange([0x02, 0x02, 0x44, 0x01, 0x00]); // LZW: clear, colour 0, end
        }
        bytes.Add(0x3B);
        return bytes.ToArray();
    }
}

/// <summary>Runs alone: it measures the process's peak memory.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FixReviewMemoryCollection
{
    public const string Name = "fix review: peak memory";
}

[Collection(FixReviewMemoryCollection.Name)]
public sealed class FixReviewMemoryTests(FixHarness h) : IClassFixture<FixHarness>
{
    [Fact]
    public async Task Fix_GifWithManyFramesOnALargeScreen_DecodesOnlyTheFirstFrame()
    {
        // 600 bytes: 24 one-pixel frames on a 4000x4000 screen. Each decoded GIF frame is a whole canvas (64 MB here),
        // so decoding them all took 1.6 GB; with more frames at the 64 MP cap, any amount.
        var input = h.Write("many-frames.gif", FixReviewTests.ManyFrameGif(4000, 4000, 24));
        GC.Collect();
        ResetPeak();
        var before = PeakBytes();

        var (fix, output) = await h.FixAndKeepAsync(input);

        var grown = PeakBytes() - before;
        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        Assert.Contains(fix.Operations, o => o.Detail.Contains("first of 24 frames"));
        Assert.Equal((2047, 2047), (fix.After!.Media!.Width, fix.After.Media.Height));
        Assert.NotNull(output);
        Assert.True(grown < 700L * 1024 * 1024, $"peak memory grew by {grown / (1024 * 1024)} MB");
    }

    /// <summary>
    /// Starts the peak over from the present resident size (Linux: 5 to clear_refs), so that an earlier test's larger
    /// peak cannot hide this one's.
    /// </summary>
    private static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    /// <summary>The process's peak resident memory (Linux VmHWM).</summary>
    private static long PeakBytes()
    {
        var line = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0]) * 1024;
    }
}
