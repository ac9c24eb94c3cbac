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
        // The fix took the in-process path (the rewriter's own output, byte for byte), not ffmpeg's.
        var direct = Path.Combine(h.Folder, "direct-" + Guid.NewGuid().ToString("N") + ".mp4");
        var written = await Mp4StreamCopy.TryWriteAsync(input, direct, CancellationToken.None);
        Assert.NotNull(written);
        Assert.Equal(written.Sha256, ours.After.Sha256);
        Assert.NotEqual(FixHarness.Sha(theirsPath!), ours.After.Sha256);
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

    /// <summary>
    /// A token cancelled before the copy starts: Task.Run never runs it, so this shows only that nothing is opened or
    /// written then. The clean-up of a half-done copy is <see cref="StreamCopy_WriteFails_PartialFileRemoved"/>.
    /// </summary>
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
    /// The copy written whole, then its rename fails (the output name is taken by a folder): the exception reaches the
    /// caller (the Remediator reports it) and the '.part' file is gone.
    /// </summary>
    [Fact]
    public async Task StreamCopy_WriteFails_PartialFileRemoved()
    {
        var input = h.Generate("move-fails.mov", $"{Source} {H264} -c:a aac -shortest -f mov");
        var output = Path.Combine(h.Folder, "taken-out.mp4");
        Directory.CreateDirectory(Path.Combine(output, "inside"));

        await Assert.ThrowsAnyAsync<IOException>(() => Mp4StreamCopy.TryWriteAsync(input, output, CancellationToken.None));

        Assert.True(Directory.Exists(output));
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

    /// <summary>
    /// Edit lists ffmpeg's demuxer applies by dropping, repeating or re-timing samples (a 2 s MOV, 25 fps with a
    /// keyframe every 10 frames, AAC at 48 kHz; movie timescale 1000, video 12800): a copy of every sample with the
    /// 'edts' as it was is not what ffmpeg's remux holds.
    /// </summary>
    [Theory]
    [InlineData("trim-video", 0, "800,10240,1")]
    [InlineData("trim-audio-end", 1, "800,1024,1")]
    [InlineData("two-edits", 0, "1000,0,1;1000,12800,1")]
    [InlineData("repeated-edit", 0, "1000,0,1;1000,0,1")]
    [InlineData("dwell", 0, "1000,0,1;500,12800,0")]
    [InlineData("double-speed", 0, "1000,0,2")]
    [InlineData("late-audio-start", 1, "800,96000,1")]
    public async Task StreamCopy_EditListFfmpegApplies_Declined(string name, int track, string edits)
    {
        var source = h.Generate("edits-source.mov", $"{Gop10} -c:a aac -shortest -f mov");
        var input = h.Write(name + ".mov", PatchIndex(File.ReadAllBytes(source), (trak, type, box) =>
            trak == track && type == "elst" ? EditList(edits) : box));

        await AssertDeclinedAsync(input);
    }

    /// <summary>The edit lists ffmpeg's remux keeps as they are: a delayed start, and Apple's 2112 samples of AAC priming.</summary>
    [Theory]
    [InlineData("empty-edit", 0, "500,-1,1;2000,0,1", 2500)]
    [InlineData("apple-priming", 1, "2000,2112,1", 2000)]
    public async Task StreamCopy_EditListFfmpegKeeps_SameAsFfmpegsRemux(string name, int track, string edits, int movieDuration)
    {
        var source = h.Generate("edits-source.mov", $"{Gop10} -c:a aac -shortest -f mov");
        var input = h.Write(name + ".mov", PatchIndex(File.ReadAllBytes(source), (trak, type, box) =>
        {
            if (trak == track && type == "elst") return EditList(edits);
            // The movie lasts as long as its edits (version-0 mvhd and tkhd, as ffmpeg writes them).
            if (type != "mvhd" && !(trak == track && type == "tkhd")) return box;
            var patched = (byte[])box.Clone();
            BinaryPrimitives.WriteUInt32BigEndian(patched.AsSpan(type == "mvhd" ? 24 : 28), (uint)movieDuration);
            return patched;
        }));

        await AssertSameAsFfmpegAsync(input);
    }

    /// <summary>
    /// ffmpeg leaves a track without samples out of its output; copied, it would be an audio stream with nothing in it.
    /// Its mdhd says 0 s too, so that only the missing samples (not a duration that disagrees with them) can decline it.
    /// </summary>
    [Fact]
    public async Task StreamCopy_AudioTrackWithoutSamples_Declined()
    {
        var source = h.Generate("empty-audio-source.mov", $"{Source} {H264} -c:a aac -shortest -f mov");
        var input = h.Write("empty-audio.mov", PatchIndex(File.ReadAllBytes(source), (trak, type, box) => trak != 1 ? box : type switch
        {
            "stts" or "stsc" or "stco" => FullBox(type, new byte[4]),
            "stsz" => FullBox(type, new byte[8]),
            "elst" => FullBox("elst", new byte[4]),
            "mdhd" => WithU32(box, 24, 0),
            _ => box,
        }));

        await AssertDeclinedAsync(input);
    }

    /// <summary>ffmpeg writes the video first: copied in the input's order, stream 0 would be the audio.</summary>
    [Fact]
    public async Task StreamCopy_AudioTrackBeforeTheVideo_Declined() =>
        await AssertDeclinedAsync(h.Generate("audio-first.mov", $"{Source} {H264} -c:a aac -shortest -map 1:a -map 0:v -f mov"));

    /// <summary>
    /// A QuickTime language ffmpeg reads as another language than 'und': Macintosh code 1 (French, "fra" to ffmpeg) and a
    /// packed "eng" with the top bit set (ffmpeg ignores the bit).
    /// </summary>
    [Theory]
    [InlineData("mac-french", 1)]
    [InlineData("top-bit-english", 0x8000 | ('e' - 0x60) << 10 | ('n' - 0x60) << 5 | ('g' - 0x60))]
    public async Task StreamCopy_LanguageFfmpegReadsOtherwise_Declined(string name, int language)
    {
        var source = h.Generate("language-source.mov", $"{Source} {H264} -c:a aac -shortest -f mov");
        var input = h.Write(name + ".mov", PatchIndex(File.ReadAllBytes(source), (_, type, box) =>
        {
            if (type != "mdhd") return box;
            var patched = (byte[])box.Clone();
            BinaryPrimitives.WriteUInt16BigEndian(patched.AsSpan(8 + (patched[8] == 1 ? 32 : 20)), (ushort)language);
            return patched;
        }));

        await AssertDeclinedAsync(input);
    }

    /// <summary>A disabled QuickTime track (tkhd flags without "enabled"): ffmpeg's output enables it, so players play it.</summary>
    [Fact]
    public async Task StreamCopy_DisabledAudioTrack_EnabledAsFfmpegDoes()
    {
        var source = h.Generate("disabled-source.mov", $"{Source} {H264} -c:a aac -shortest -f mov");
        var input = h.Write("disabled-audio.mov", PatchIndex(File.ReadAllBytes(source), (trak, type, box) =>
        {
            if (trak != 1 || type != "tkhd") return box;
            var patched = (byte[])box.Clone();
            patched[11] = 0x0E;
            return patched;
        }));
        Assert.Contains("disposition:default=0", Streams(input));

        await AssertSameAsFfmpegAsync(input);
    }

    /// <summary>Sample sizes in both an 'stsz' and an 'stz2': the chunks are measured with one, a player may read the other.</summary>
    [Fact]
    public async Task StreamCopy_BothKindsOfSampleSizes_Declined()
    {
        var source = h.Generate("sizes-source.mov", $"{Source} {H264} -c:a aac -shortest -f mov");
        var input = h.Write("two-size-tables.mov", PatchIndex(File.ReadAllBytes(source), (trak, type, box) =>
        {
            if (trak != 1 || type != "stsz") return box;
            // The same count of samples, every one 16 bytes: nothing like the real sizes.
            var count = BinaryPrimitives.ReadUInt32BigEndian(box.AsSpan(16));
            var compact = new byte[8 + count * 2];
            compact[3] = 16;
            BinaryPrimitives.WriteUInt32BigEndian(compact.AsSpan(4), count);
            for (var i = 0; i < count; i++) compact[9 + i * 2] = 16;
            return [.. box, .. FullBox("stz2", compact)];
        }));

        await AssertDeclinedAsync(input);
    }

    /// <summary>
    /// An old QuickTime sound track's "every sample is 1 byte" (it counts frames, not bytes): the chunks' sizes say
    /// nothing about where the data is, so a copy by those sizes would cut the audio to a few hundred bytes.
    /// </summary>
    [Fact]
    public async Task StreamCopy_SoundSizesCountedInFrames_Declined()
    {
        var source = h.Generate("frames-source.mov", $"{Source} {H264} -c:a aac -shortest -f mov");
        var input = h.Write("sizes-in-frames.mov", PatchIndex(File.ReadAllBytes(source), (trak, type, box) =>
        {
            if (trak != 1 || type != "stsz") return box;
            var constant = new byte[8];
            BinaryPrimitives.WriteUInt32BigEndian(constant, 1);
            box.AsSpan(16, 4).CopyTo(constant.AsSpan(4));
            return FullBox("stsz", constant);
        }));

        await AssertDeclinedAsync(input);
    }

    /// <summary>
    /// What ffmpeg's demuxer changes and a copy would keep (found by a differential sweep of damaged indexes against
    /// ffmpeg's remux): an empty sample (skipped), samples naming a description the track does not have (the track is
    /// dropped), an audio timescale other than the sample rate (written as the rate), and a timescale past 2^31 (read as 1:
    /// on the video track, since an audio track's is already declined for not being its sample rate).
    /// </summary>
    [Theory]
    [InlineData("empty-sample", 1, "stsz", 20 + 5 * 4, 0u)]
    [InlineData("second-description", 0, "stsc", 24, 2u)]
    [InlineData("audio-timescale", 1, "mdhd", 20, 48016u)]
    [InlineData("invalid-timescale", 0, "mdhd", 20, 0xFF000000u)]
    public async Task StreamCopy_WhatFfmpegsDemuxerChanges_Declined(string name, int track, string type, int at, uint value)
    {
        var source = h.Generate("demuxer-source.mov", $"{Source} {H264} -c:a aac -shortest -f mov");
        var input = h.Write(name + ".mov", PatchIndex(File.ReadAllBytes(source), (trak, boxType, box) =>
        {
            if (trak != track || boxType != type) return box;
            var patched = (byte[])box.Clone();
            BinaryPrimitives.WriteUInt32BigEndian(patched.AsSpan(at), value);
            return patched;
        }));

        await AssertDeclinedAsync(input);
    }

    /// <summary>
    /// A video decoder configuration that does not hold what it says (no SPS, or an SPS longer than the box): ffmpeg
    /// drops such a video stream, so its remux fails the check; a copy would have passed a video nothing can decode.
    /// </summary>
    [Theory]
    [InlineData("no-sps", 5, 0xE0)]
    [InlineData("long-sps", 6, 0xFF)]
    public async Task StreamCopy_MalformedAvcConfig_Declined(string name, int at, int value)
    {
        var source = h.Generate("avcc-source.mov", $"{Source} {H264} -c:a aac -shortest -f mov");
        var input = h.Write(name + ".mov", PatchIndex(File.ReadAllBytes(source), (trak, type, box) =>
        {
            if (trak != 0 || type != "stsd") return box;
            var patched = (byte[])box.Clone();
            patched[patched.AsSpan().IndexOf("avcC"u8) + 4 + at] = (byte)value;
            return patched;
        }));

        await AssertDeclinedAsync(input);
    }

    /// <summary>
    /// A header duration that disagrees with the samples (the 2 s MOV's mvhd saying 1 s, or its video mdhd saying 1 s of
    /// 50 frames, i.e. 50 fps): ffmpeg writes the true ones, so the copy's re-check would judge a length or frame rate
    /// the file does not have.
    /// </summary>
    [Theory]
    [InlineData("short-movie", -1, "mvhd", 24, 1000)]
    [InlineData("short-video", 0, "mdhd", 24, 12800)]
    public async Task StreamCopy_HeaderDurationDisagreesWithTheSamples_Declined(string name, int track, string type, int at, int duration)
    {
        var source = h.Generate("durations-source.mov", $"{Gop10} -c:a aac -shortest -f mov");
        var input = h.Write(name + ".mov", PatchIndex(File.ReadAllBytes(source), (trak, boxType, box) =>
        {
            if (trak != track || boxType != type) return box;
            var patched = (byte[])box.Clone();
            BinaryPrimitives.WriteUInt32BigEndian(patched.AsSpan(at), (uint)duration);
            return patched;
        }));

        await AssertDeclinedAsync(input);
    }

    private const string Gop10 = "-f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -g 10";

    private async Task AssertDeclinedAsync(string input)
    {
        var output = Path.Combine(h.Folder, Path.GetFileName(input) + "-out.mp4");

        var written = await Mp4StreamCopy.TryWriteAsync(input, output, CancellationToken.None);

        Assert.Null(written);
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".part"));
    }

    /// <summary>
    /// A MOV ffmpeg wrote (its moov last, so resizing it moves no sample data) with the leaf boxes of its index passed
    /// through <paramref name="change"/> (track number from 0, type, the whole box), which may return other or more boxes.
    /// </summary>
    private static byte[] PatchIndex(byte[] file, Func<int, string, byte[], byte[]> change)
    {
        var moov = FindTopLevel(file, "moov");
        Assert.Equal(file.Length, moov + (int)BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(moov)));
        var track = -1;
        return [.. file.AsSpan(0, moov), .. Walk(file.AsSpan(moov))];

        byte[] Walk(ReadOnlySpan<byte> box)
        {
            var type = System.Text.Encoding.ASCII.GetString(box.Slice(4, 4));
            if (type == "trak") track++;
            if (type is not ("moov" or "trak" or "mdia" or "minf" or "stbl" or "edts")) return change(track, type, box.ToArray());
            var result = new List<byte>(box[..8].ToArray());
            for (var at = 8; at + 8 <= box.Length;)
            {
                var size = (int)BinaryPrimitives.ReadUInt32BigEndian(box[at..]);
                result.AddRange(Walk(box.Slice(at, size)));
                at += size;
            }
            var bytes = result.ToArray();
            BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)bytes.Length);
            return bytes;
        }
    }

    /// <summary>A copy of <paramref name="box"/> with the 32-bit field at <paramref name="at"/> (from the box's start) set.</summary>
    private static byte[] WithU32(byte[] box, int at, uint value)
    {
        var patched = (byte[])box.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(patched.AsSpan(at), value);
        return patched;
    }

    /// <summary>A version-0 box with <paramref name="fields"/> after its version and flags.</summary>
    private static byte[] FullBox(string type, byte[] fields)
    {
        var box = new byte[12 + fields.Length];
        BinaryPrimitives.WriteUInt32BigEndian(box, (uint)box.Length);
        System.Text.Encoding.ASCII.GetBytes(type).CopyTo(box, 4);
        fields.CopyTo(box, 12);
        return box;
    }

    /// <summary>An 'elst' (version 0) from "duration,media time,rate;…" (duration in the movie's timescale, rate whole).</summary>
    private static byte[] EditList(string edits)
    {
        var entries = edits.Split(';').Select(e => e.Split(',').Select(int.Parse).ToArray()).ToList();
        var fields = new byte[4 + entries.Count * 12];
        BinaryPrimitives.WriteUInt32BigEndian(fields, (uint)entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(fields.AsSpan(4 + i * 12), (uint)entries[i][0]);
            BinaryPrimitives.WriteInt32BigEndian(fields.AsSpan(8 + i * 12), entries[i][1]);
            BinaryPrimitives.WriteInt16BigEndian(fields.AsSpan(12 + i * 12), (short)entries[i][2]);
        }
        return FullBox("elst", fields);
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
             "stream=index,codec_name,profile,width,height,sample_aspect_ratio,pix_fmt,channels,channel_layout,sample_rate,time_base,start_time,duration,nb_frames:stream_disposition=default:stream_side_data=rotation",
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
    /// The same file with every 'stco' turned into a 'co64' (ffmpeg only writes co64 past 4 GB).
    /// </summary>
    private static byte[] WithWideOffsets(byte[] file) => PatchIndex(file, (_, type, box) =>
    {
        if (type != "stco") return box;
        var count = BinaryPrimitives.ReadUInt32BigEndian(box.AsSpan(12));
        var fields = new byte[4 + count * 8];
        BinaryPrimitives.WriteUInt32BigEndian(fields, count);
        for (var i = 0; i < count; i++)
            BinaryPrimitives.WriteUInt64BigEndian(fields.AsSpan(4 + i * 8), BinaryPrimitives.ReadUInt32BigEndian(box.AsSpan(16 + i * 4)));
        return FullBox("co64", fields);
    });
}
