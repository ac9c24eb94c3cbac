using System.Buffers.Binary;
using Preflight.Core.Probing.Video;
using Preflight.Core.Remediation;
using Preflight.Core.Reports;
using Preflight.Core.Tests.Probing.Video;

namespace Preflight.Core.Tests.Remediation;

/// <summary>
/// The in-process stream copy (<see cref="Mp4StreamCopy"/>) against ffmpeg's own remux of the same input: the same
/// packets (bytes, timestamps, flags) and the same decoded frames, or a decline that leaves the remux to ffmpeg.
/// </summary>
public sealed class Mp4StreamCopyTests(FixHarness h) : IClassFixture<FixHarness>
{
    private const string Source = "-f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 1";
    private const string H264 = "-c:v libx264 -preset ultrafast -pix_fmt yuv420p";

    private static readonly Remediator ThroughFfmpeg = FixHarness.Over(new MediaTools(new MediaToolsOptions { InProcessRemux = false }));

    [Theory]
    [InlineData("plain.mov", $"{Source} {H264} -c:a aac -shortest -f mov")]
    [InlineData("bframes.mov", $"{Source} -c:v libx264 -preset medium -bf 3 -pix_fmt yuv420p -c:a aac -shortest -f mov")]
    [InlineData("silent.mov", $"-f lavfi -i testsrc=size=320x240:rate=30 -t 1 {H264} -f mov")]
    [InlineData("surround.mov", "-f lavfi -i testsrc=size=320x240:rate=24 -f lavfi -i sine=sample_rate=44100 -t 1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -ac 6 -shortest -f mov")]
    [InlineData("late-index.mov", $"{Source} {H264} -c:a aac -shortest -f mp4")]
    [InlineData("hevc.mov", "-f lavfi -i testsrc=size=320x240:rate=25 -t 1 -c:v libx265 -preset ultrafast -x265-params log-level=none -tag:v hvc1 -f mov")]
    public async Task StreamCopy_SamePacketsAndFramesAsFfmpegsRemux(string name, string arguments) =>
        await AssertSameAsFfmpegAsync(h.Generate(name, arguments));

    [Fact]
    public async Task StreamCopy_DisplayRotation_Kept()
    {
        var upright = h.Generate("upright.mov", $"{Source} {H264} -c:a aac -shortest -f mov");
        var input = h.Generate("rotated.mov", $"-i {upright} -map 0 -c copy -metadata:s:v:0 rotate=90 -f mov");
        Assert.Contains("rotation=90", Streams(input));

        await AssertSameAsFfmpegAsync(input);
    }

    private async Task AssertSameAsFfmpegAsync(string input)
    {
        var (ours, oursPath) = await h.FixAndKeepAsync(input);
        var (theirs, theirsPath) = await h.FixAndKeepAsync(input, remediator: ThroughFfmpeg);

        Assert.Equal(FixStatus.Fixed, ours.Status);
        Assert.Equal(Verdict.Pass, ours.After!.Verdict);
        Assert.Equal(theirs.Operations, ours.Operations);
        Assert.Equal(FixHarness.Sha(oursPath!), ours.After.Sha256);
        Assert.Equal(ours.After.SizeBytes, new FileInfo(oursPath!).Length);
        // The two files differ (ffmpeg adds its encoder tag and an 'iods'); what a player gets from them must not.
        Assert.Equal(Packets(theirsPath!), Packets(oursPath!));
        Assert.Equal(Frames(theirsPath!), Frames(oursPath!));
        Assert.Equal(theirs.After!.Media, ours.After.Media);
        Assert.Equal(Streams(theirsPath!), Streams(oursPath!));
        Assert.Equal("isom", MajorBrand(oursPath!));
    }

    [Fact]
    public async Task StreamCopy_WritesTheIndexFirstAndHashesWhatItWrote()
    {
        var input = h.Generate("index.mov", $"{Source} {H264} -c:a aac -shortest -f mov");
        var output = Path.Combine(h.Folder, "index-out.mp4");

        var written = await Mp4StreamCopy.TryWriteAsync(input, output, CancellationToken.None);

        Assert.NotNull(written);
        Assert.Equal(FixHarness.Sha(output), written.Sha256);
        Assert.Equal(new FileInfo(output).Length, written.Bytes);
        Assert.Equal(["ftyp", "moov", "mdat"], TopLevel(output));
        Assert.False(File.Exists(output + ".part"));
    }

    [Fact]
    public async Task StreamCopy_64BitChunkOffsetsInTheInput_Copied()
    {
        var input = h.Generate("co64-source.mov", $"{Source} {H264} -c:a aac -shortest -f mov");
        var wide = h.Write("co64.mov", WithWideOffsets(File.ReadAllBytes(input)));

        var (fix, output) = await h.FixAndKeepAsync(wide);

        Assert.Equal(FixStatus.Fixed, fix.Status);
        Assert.Equal(Packets(input), Packets(output!));
    }

    [Theory]
    [InlineData("timecode.mov", $"{Source} {H264} -c:a aac -shortest -timecode 01:00:00:00 -f mov")]
    [InlineData("hires-audio.mov", "-f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=sample_rate=96000 -t 1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest -f mov")]
    [InlineData("fragmented.mp4", $"{Source} {H264} -c:a aac -shortest -movflags frag_keyframe+empty_moov -f mp4")]
    [InlineData("mpeg4.mov", $"{Source} -c:v mpeg4 -c:a aac -shortest -f mov")]
    public async Task StreamCopy_FileItDoesNotFullyUnderstand_DeclinedAndNothingWritten(string name, string arguments)
    {
        var input = h.Generate(name, arguments);
        var output = Path.Combine(h.Folder, name + "-out.mp4");

        var written = await Mp4StreamCopy.TryWriteAsync(input, output, CancellationToken.None);

        Assert.Null(written);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".part"));
    }

    [Fact]
    public async Task Fix_DeclinedFile_StillFixedByFfmpeg()
    {
        var input = h.Generate("tc.mov", $"{Source} {H264} -c:a aac -shortest -timecode 01:00:00:00 -f mov");

        var (fix, output) = await h.FixAndKeepAsync(input);

        Assert.Equal(FixStatus.Fixed, fix.Status);
        Assert.Equal(Verdict.Pass, fix.After!.Verdict);
        Assert.Equal(FixHarness.Sha(output!), fix.After.Sha256);
    }

    [Fact]
    public async Task StreamCopy_Cancelled_LeavesNoFile()
    {
        var input = h.Generate("cancel.mov", $"{Source} {H264} -c:a aac -shortest -f mov");
        var output = Path.Combine(h.Folder, "cancel-out.mp4");
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Mp4StreamCopy.TryWriteAsync(input, output, cancelled.Token));

        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".part"));
    }

    /// <summary>
    /// Seeded damage to the index of a MOV the rewriter accepts: whatever it makes of it, a fix never throws, never
    /// calls a file fixed that fails its re-inspection, and the same input gives the same report twice.
    /// </summary>
    [Fact]
    public async Task Fix_SeededDamageToTheIndex_NeverThrowsAndStaysDeterministic()
    {
        var input = h.Generate("mutant-source.mov", $"{Source} {H264} -c:a aac -shortest -f mov");
        var bytes = File.ReadAllBytes(input);
        var moov = FindTopLevel(bytes, "moov");
        var random = new Random(1515);
        for (var i = 0; i < 40; i++)
        {
            var mutant = (byte[])bytes.Clone();
            for (var k = random.Next(1, 4); k > 0; k--)
                mutant[moov + 8 + random.Next(bytes.Length - moov - 8)] = (byte)random.Next(256);
            var path = h.Write($"mutant-{i}.mov", mutant);

            var (first, output) = await h.FixAndKeepAsync(path);
            var (second, _) = await h.FixAndKeepAsync(path);

            Assert.Equal(first.Status, second.Status);
            Assert.Equal(first.After?.Sha256, second.After?.Sha256);
            if (first.Status == FixStatus.Fixed)
            {
                Assert.Equal(Verdict.Pass, first.After!.Verdict);
                Assert.Equal(FixHarness.Sha(output!), first.After.Sha256);
            }
        }
    }

    /// <summary>Every packet of every stream as ffmpeg demuxes it: stream, dts, pts, duration, size, MD5 of the bytes.</summary>
    private static string Packets(string path) =>
        Ffmpeg(["-i", path, "-map", "0", "-c", "copy", "-f", "framemd5", "-"]);

    /// <summary>Every decoded frame's MD5 (and the audio's), with its timestamps.</summary>
    private static string Frames(string path) => Ffmpeg(["-i", path, "-map", "0", "-f", "framemd5", "-"]);

    private static string Streams(string path)
    {
        var (exit, stdout, stderr) = MediaToolsSamples.Run("/usr/bin/ffprobe",
            ["-v", "error", "-show_entries",
             "stream=index,codec_name,profile,width,height,sample_aspect_ratio,pix_fmt,channels,channel_layout,sample_rate,time_base,start_time,duration,nb_frames:stream_side_data=rotation",
             "-of", "compact", path]);
        Assert.True(exit == 0, stderr);
        return stdout;
    }

    private static string Ffmpeg(IEnumerable<string> arguments)
    {
        var (exit, stdout, stderr) = MediaToolsSamples.Run(MediaToolsSamples.FfmpegPath, ["-nostdin", "-v", "error", .. arguments]);
        Assert.True(exit == 0 && stderr.Length == 0, stderr);
        return string.Join('\n', stdout.Split('\n').Where(line => !line.StartsWith('#')));
    }

    private static string MajorBrand(string path) => System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(path), 8, 4);

    private static List<string> TopLevel(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var types = new List<string>();
        for (long at = 0; at + 8 <= bytes.Length;)
        {
            types.Add(System.Text.Encoding.ASCII.GetString(bytes, (int)at + 4, 4));
            at += BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan((int)at));
        }
        return types;
    }

    private static int FindTopLevel(byte[] bytes, string type)
    {
        for (var at = 0; at + 8 <= bytes.Length; at += (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at)))
        {
            if (System.Text.Encoding.ASCII.GetString(bytes, at + 4, 4) == type) return at;
        }
        throw new InvalidOperationException($"no top-level '{type}'");
    }

    /// <summary>
    /// The same file with every 'stco' turned into a 'co64' (ffmpeg only writes co64 past 4 GB). The moov of a file
    /// ffmpeg wrote as MOV comes last, so growing it moves no sample data.
    /// </summary>
    private static byte[] WithWideOffsets(byte[] file)
    {
        var moov = FindTopLevel(file, "moov");
        Assert.Equal(file.Length, moov + (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(moov)));
        return [.. file.AsSpan(0, moov), .. Widen(file.AsSpan(moov))];

        static byte[] Widen(ReadOnlySpan<byte> box)
        {
            var type = System.Text.Encoding.ASCII.GetString(box.Slice(4, 4));
            if (type == "stco")
            {
                var count = BinaryPrimitives.ReadUInt32BigEndian(box[12..]);
                var wide = new byte[16 + count * 8];
                "co64"u8.CopyTo(wide.AsSpan(4));
                BinaryPrimitives.WriteUInt32BigEndian(wide.AsSpan(12), count);
                for (var i = 0; i < count; i++)
                    BinaryPrimitives.WriteUInt64BigEndian(wide.AsSpan(16 + i * 8), BinaryPrimitives.ReadUInt32BigEndian(box[(16 + i * 4)..]));
                BinaryPrimitives.WriteUInt32BigEndian(wide, (uint)wide.Length);
                return wide;
            }
            if (type is not ("moov" or "trak" or "mdia" or "minf" or "stbl")) return box.ToArray();
            var result = new List<byte>(box[..8].ToArray());
            for (var at = 8; at + 8 <= box.Length;)
            {
                var size = (int)BinaryPrimitives.ReadUInt32BigEndian(box[at..]);
                result.AddRange(Widen(box.Slice(at, size)));
                at += size;
            }
            var bytes = result.ToArray();
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)bytes.Length);
            return bytes;
        }
    }
}
