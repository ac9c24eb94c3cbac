using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Preflight.Core.Formats.Mp4;
using Preflight.Core.Formats.MpegTs;
using Preflight.Core.Reports;
using Preflight.Core.Tests.Formats.Mp4;
using Preflight.TestSupport;
using Preflight.TestSupport.Mutations;
using static Preflight.Core.Tests.Hardening.HardeningFiles;

namespace Preflight.Core.Tests.Hardening;

/// <summary>
/// Review of the in-process readers against hostile input: one small crafted file per defect found, and a seeded
/// mutation sweep over small valid files of every format the readers handle. A bad file must come back as a
/// <c>fail</c> report, quickly, and the same way every time.
/// </summary>
public sealed class ParserReviewTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<(FileReport Report, TimeSpan Took)> TimedInspectAsync(string name, byte[] bytes)
    {
        var watch = Stopwatch.StartNew();
        var report = await InspectAsync(_dir, name, bytes, deep: false);
        return (report, watch.Elapsed);
    }

    // PNG: the IDAT segments were searched from the first one on every read, and a read returns at most one
    // segment, so a stream split into many tiny IDAT chunks cost segments² steps.
    [Fact]
    public async Task InspectQuick_PngSplitIntoThousandsOfOneByteIdatChunks_FinishesQuickly()
    {
        var zlib = Deflate(RawScanlines(128, 128, interlaced: false));
        var png = PngWithIdats(128, 128, zlib.Select(b => new[] { b }));

        var (report, took) = await TimedInspectAsync("split.png", png);

        Assert.True(report.Verdict == Verdict.Pass, Describe(report));
        Assert.True(took < TimeSpan.FromSeconds(3), $"{zlib.Length:N0} IDAT chunks took {took.TotalSeconds:F1} s");
    }

    private static byte[] PngWithIdats(int width, int height, IEnumerable<byte[]> idats, params (string Type, byte[] Data)[] before)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", ihdr);
        foreach (var (type, data) in before) WriteChunk(png, type, data);
        foreach (var idat in idats) WriteChunk(png, "IDAT", idat);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    // PNG: compressed text chunks carry zlib streams too, and ImageSharp 2's header read (Identify) inflates them whole
    // into a growing list: 256 KB of zlib made it allocate and copy 256 MB (seconds); 4 MB would be 4 GB.
    [Theory]
    [InlineData("zTXt")]
    [InlineData("iTXt")]
    public async Task InspectQuick_PngWithZlibBombInAncillaryChunk_FailsQuicklyWithoutInflatingIt(string type)
    {
        var bomb = Deflate(new byte[256 * 1024 * 1024]);
        byte[] header = type == "iTXt" ? [.. "Comment"u8, 0, 1, 0, .. "en"u8, 0, 0] : [.. "Comment"u8, 0, 0];
        var png = PngWithIdats(16, 16, [Deflate(RawScanlines(16, 16, interlaced: false))], (type, [.. header, .. bomb]));

        var (report, took) = await TimedInspectAsync("bomb.png", png);

        AssertCorrupt(report, "zlib bomb");
        Assert.True(took < TimeSpan.FromSeconds(3), $"took {took.TotalSeconds:F1} s");
    }

    // The same bomb spread over many chunks, each of them modest.
    [Fact]
    public async Task InspectQuick_PngWithManyModestZtxtChunks_FailsQuicklyWithoutInflatingThem()
    {
        var text = Deflate(new byte[4 * 1024 * 1024]);
        var chunks = Enumerable.Range(0, 64).Select(i => ("zTXt", (byte[])[.. "Comment"u8, 0, 0, .. text])).ToArray();
        var png = PngWithIdats(16, 16, [Deflate(RawScanlines(16, 16, interlaced: false))], chunks);

        var (report, took) = await TimedInspectAsync("bombs.png", png);

        AssertCorrupt(report, "zlib bomb");
        Assert.True(took < TimeSpan.FromSeconds(3), $"took {took.TotalSeconds:F1} s");
    }

    // PNG: the inflated size a header implies was computed in 64 bits without a check; 2^31-1 square at 64 bits per
    // pixel wraps it negative, and the report then said the data "inflates to more than the -32,212,254,713 bytes" implied.
    [Fact]
    public async Task InspectQuick_PngHeaderWhoseImpliedDataSizeOverflows_ReportsNoNegativeSize()
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", [0x7F, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF, 16, 6, 0, 0, 0]);
        WriteChunk(png, "IDAT", Deflate(new byte[1000]));
        WriteChunk(png, "IEND", []);

        var report = await InspectAsync(_dir, "huge.png", png.ToArray(), deep: false);

        Assert.True(report.Verdict == Verdict.Fail, Describe(report));
        Assert.DoesNotContain(report.Findings, f => System.Text.RegularExpressions.Regex.IsMatch(f.Message, @"-\d[\d,]* bytes"));
    }

    // JPEG: ImageSharp 2's header read joins an ICC profile (APP2), EXIF or XMP block (APP1) split over several segments
    // by copying everything so far for each one, so many small segments cost segments² bytes copied (40,000: 3 s, 80,000: 12 s).
    [Theory]
    [InlineData("ICC_PROFILE")]
    [InlineData("Exif")]
    [InlineData("XMP")]
    public async Task InspectQuick_JpegWithTensOfThousandsOfTinyMetadataSegments_FinishesQuickly(string kind)
    {
        var jpeg = Ffmpeg(_dir, "small", ".jpg", "-f lavfi -i testsrc2=s=32x24:d=1 -frames:v 1");
        byte[] body = kind switch
        {
            "Exif" => [.. "Exif"u8, 0, 0, .. new byte[16]],
            "XMP" => [.. "http://ns.adobe.com/xap/1.0/"u8, 0, .. new byte[16]],
            _ => [.. "ICC_PROFILE"u8, 0, 1, 1, .. new byte[16]],
        };
        byte[] segment = [0xFF, kind == "ICC_PROFILE" ? (byte)0xE2 : (byte)0xE1, 0, (byte)(body.Length + 2), .. body];
        const int segments = 60_000;
        var damaged = (byte[])[0xFF, 0xD8, .. Enumerable.Repeat(segment, segments).SelectMany(b => b), .. jpeg[2..]];

        var (report, took) = await TimedInspectAsync("many-segments.jpg", damaged);

        AssertCorrupt(report, "more than 255 segments");
        Assert.True(took < TimeSpan.FromSeconds(3), $"{segments:N0} {kind} segments took {took.TotalSeconds:F1} s: {Describe(report)}");
    }

    // MP4: each chunk's 'mdat' was found by a linear search over every 'mdat' in the file, so a file of many small
    // mdat boxes, each holding one chunk, cost chunks × mdats steps.
    [Fact]
    public async Task InspectQuick_Mp4WithTensOfThousandsOfMdatBoxesOneChunkEach_FinishesQuickly()
    {
        const int chunks = 60_000;
        var ftyp = Mp4BoxBuilder.Ftyp();
        var mdat = Mp4BoxBuilder.Box("mdat", [0x42]);
        var offsets = Enumerable.Range(0, chunks).Select(i => (uint)(ftyp.Length + i * mdat.Length + 8));
        var mp4 = (byte[])[.. ftyp, .. Enumerable.Repeat(mdat, chunks).SelectMany(b => b), .. ManyChunkMovie(offsets.ToArray())];

        var (report, took) = await TimedInspectAsync("many-mdat.mp4", mp4);

        Assert.DoesNotContain(report.Findings, f => f.Code == FindingCodes.FileCorrupt);
        Assert.True(took < TimeSpan.FromSeconds(3), $"{chunks:N0} chunks in {chunks:N0} mdat boxes took {took.TotalSeconds:F1} s");
    }

    // MP4: the top-level walk keeps every 'mdat' box (~130 bytes each by the time the prober has its list), so a file
    // of empty 8-byte mdat boxes cost 16 times its size in memory: 265 MB for 16 MB, gigabytes for a large upload.
    [Fact]
    public void ProbeMp4_TwoMillionEmptyMdatBoxes_FailsCorruptWithBoundedMemory()
    {
        var mp4 = Mp4BoxBuilder.File(new Mp4BoxBuilder.MovieSpec { Samples = 2, SampleSize = 10 });
        var empty = Mp4BoxBuilder.Header(8, "mdat");
        var bytes = new byte[mp4.Length + 2_000_000 * empty.Length];
        mp4.CopyTo(bytes, 0);
        for (var at = mp4.Length; at < bytes.Length; at += empty.Length) empty.CopyTo(bytes, at);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = new Mp4Prober().Probe(new MemoryStream(bytes), "many.mp4");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 128L * 1024 * 1024, $"allocated {allocated:N0} bytes for a {bytes.Length:N0}-byte file");
        var finding = Assert.Single(result.Findings);
        Assert.Equal(FindingCodes.FileCorrupt, finding.Code);
        Assert.Contains("'mdat' boxes", finding.Message, StringComparison.Ordinal);
    }

    /// <summary>A moov with one 64x48 H.264 track of one 1-byte sample per chunk, at the given chunk offsets.</summary>
    private static byte[] ManyChunkMovie(uint[] chunkOffsets)
    {
        var samples = (uint)chunkOffsets.Length;
        byte[][] matrix = [Mp4BoxBuilder.U32(0x00010000), Mp4BoxBuilder.Zeros(12), Mp4BoxBuilder.U32(0x00010000), Mp4BoxBuilder.Zeros(12), Mp4BoxBuilder.U32(0x40000000)];
        var mvhd = Mp4BoxBuilder.FullBox("mvhd", 0, 0, [Mp4BoxBuilder.Zeros(8), Mp4BoxBuilder.U32(25), Mp4BoxBuilder.U32(samples),
            Mp4BoxBuilder.U32(0x00010000), Mp4BoxBuilder.U16(0x0100), Mp4BoxBuilder.Zeros(10), .. matrix, Mp4BoxBuilder.Zeros(24), Mp4BoxBuilder.U32(2)]);
        var tkhd = Mp4BoxBuilder.FullBox("tkhd", 0, 3, [Mp4BoxBuilder.Zeros(8), Mp4BoxBuilder.U32(1), Mp4BoxBuilder.Zeros(4), Mp4BoxBuilder.U32(samples),
            Mp4BoxBuilder.Zeros(16), .. matrix, Mp4BoxBuilder.U32(64 << 16), Mp4BoxBuilder.U32(48 << 16)]);
        var mdhd = Mp4BoxBuilder.FullBox("mdhd", 0, 0, Mp4BoxBuilder.Zeros(8), Mp4BoxBuilder.U32(25), Mp4BoxBuilder.U32(samples), Mp4BoxBuilder.Zeros(4));
        var hdlr = Mp4BoxBuilder.FullBox("hdlr", 0, 0, Mp4BoxBuilder.Zeros(4), Mp4BoxBuilder.Type("vide"), Mp4BoxBuilder.Zeros(13));
        var avc1 = Mp4BoxBuilder.Box("avc1", Mp4BoxBuilder.Zeros(6), Mp4BoxBuilder.U16(1), Mp4BoxBuilder.Zeros(16), Mp4BoxBuilder.U16(64), Mp4BoxBuilder.U16(48),
            Mp4BoxBuilder.U32(0x00480000), Mp4BoxBuilder.U32(0x00480000), Mp4BoxBuilder.Zeros(4), Mp4BoxBuilder.U16(1), Mp4BoxBuilder.Zeros(32),
            Mp4BoxBuilder.U16(0x18), Mp4BoxBuilder.U16(0xFFFF));
        var stbl = Mp4BoxBuilder.Box("stbl",
            Mp4BoxBuilder.FullBox("stsd", 0, 0, Mp4BoxBuilder.U32(1), avc1),
            Mp4BoxBuilder.FullBox("stts", 0, 0, Mp4BoxBuilder.U32(1), Mp4BoxBuilder.U32(samples), Mp4BoxBuilder.U32(1)),
            Mp4BoxBuilder.FullBox("stsc", 0, 0, Mp4BoxBuilder.U32(1), Mp4BoxBuilder.U32(1), Mp4BoxBuilder.U32(1), Mp4BoxBuilder.U32(1)),
            Mp4BoxBuilder.FullBox("stsz", 0, 0, Mp4BoxBuilder.U32(1), Mp4BoxBuilder.U32(samples)),
            Mp4BoxBuilder.FullBox("stco", 0, 0, [Mp4BoxBuilder.U32(samples), .. chunkOffsets.Select(Mp4BoxBuilder.U32)]));
        var dinf = Mp4BoxBuilder.Box("dinf", Mp4BoxBuilder.FullBox("dref", 0, 0, Mp4BoxBuilder.U32(1), Mp4BoxBuilder.FullBox("url ", 0, 1)));
        var minf = Mp4BoxBuilder.Box("minf", Mp4BoxBuilder.FullBox("vmhd", 0, 1, Mp4BoxBuilder.Zeros(8)), dinf, stbl);
        return Mp4BoxBuilder.Box("moov", mvhd, Mp4BoxBuilder.Box("trak", tkhd, Mp4BoxBuilder.Box("mdia", mdhd, hdlr, minf)));
    }

    // ---- The mutation sweep -------------------------------------------------------------------------------------

    /// <summary>One inspection may take this long; a hang or a quadratic walk over a file of a few KB takes far longer.</summary>
    private static readonly TimeSpan PerFile = TimeSpan.FromSeconds(5);

    public static TheoryData<string> SweptSeeds() => new() { "mp4", "fragmented.mp4", "mov", "wav", "rf64.wav", "mp3", "png", "interlaced.png", "jpg" };

    /// <summary>
    /// Every kind of <see cref="MutationGenerator"/> mutation (fixed seed), plus, at every structural unit: its size
    /// field set to 0, 1, 7, 8, the field's largest value and (MP4) 64-bit sizes; a cut at its start, inside its
    /// header and before its last byte; its header overwritten with 00, FF and 7F. Each file is inspected twice
    /// (quick mode): no exception, within <see cref="PerFile"/>, the same verdict and findings both times.
    /// </summary>
    [Theory]
    [MemberData(nameof(SweptSeeds))]
    public async Task InspectQuick_MutatedSmallFiles_NeverThrowNeverHangSameVerdictTwice(string name)
    {
        var seed = SweepSeed(name);
        var failures = new List<string>();
        var inspected = 0;
        foreach (var (description, bytes) in Mutants(seed, 20261203))
        {
            var first = await BoundedAsync(() => InspectAsync(_dir, $"a{seed.Extension}", bytes, deep: false));
            var second = first.Error is null && !first.TimedOut
                ? await BoundedAsync(() => InspectAsync(_dir, $"b{seed.Extension}", bytes, deep: false))
                : first;
            inspected++;
            if (first.TimedOut || second.TimedOut)
            {
                failures.Add($"{description}: no verdict within {PerFile.TotalSeconds} s");
                break; // the stuck inspection still runs; the rest would only queue behind it
            }
            if ((first.Error ?? second.Error) is { } error) failures.Add($"{description}: {error.GetType().Name}: {error.Message}");
            else if (Summary(first.Report!) != Summary(second.Report!))
                failures.Add($"{description}: {Summary(first.Report!)} then {Summary(second.Report!)}");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {inspected} {name} mutants:\n" + string.Join("\n", failures.Take(20)));
        Assert.True(inspected >= 100, $"only {inspected} mutants of {name}");
    }

    /// <summary>The same sweep over the MPEG-TS reader fixes plan with (no inspection reads TS in process).</summary>
    [Fact]
    public async Task MpegTsRead_MutatedSmallFile_NeverThrowsNeverHangsSameFactsTwice()
    {
        var seed = MutationSeeds.Generate(_dir.File("made"), "ts", ".ts",
            "-f lavfi -i testsrc2=s=64x48:r=10:d=1 -f lavfi -i sine=d=1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest");
        var failures = new List<string>();
        var cuts = Enumerable.Range(0, seed.Bytes.Length / 188 + 1).SelectMany(p => new[] { p * 188, p * 188 + 4, p * 188 + 187 });
        var mutants = Mutants(seed with { Extension = ".bin" }, 20261203)
            .Concat(cuts.Where(c => c > 0 && c < seed.Bytes.Length).Take(60).Select(c => ($"cut at {c}", seed.Bytes[..c])));
        foreach (var (description, bytes) in mutants)
        {
            var first = await BoundedAsync(() => Task.FromResult(MpegTsReader.Read(new MemoryStream(bytes))));
            var second = await BoundedAsync(() => Task.FromResult(MpegTsReader.Read(new MemoryStream(bytes))));
            if (first.TimedOut || second.TimedOut) { failures.Add($"{description}: no answer within {PerFile.TotalSeconds} s"); break; }
            if ((first.Error ?? second.Error) is { } error) failures.Add($"{description}: {error.GetType().Name}: {error.Message}");
            else if (first.Report != second.Report) failures.Add($"{description}: {first.Report} then {second.Report}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    private MediaSeed SweepSeed(string name)
    {
        var made = _dir.File("made");
        return name switch
        {
            "mp4" => MutationSeeds.Generate(made, "av", ".mp4",
                "-f lavfi -i testsrc2=s=64x48:r=10:d=1 -f lavfi -i sine=d=1 -c:v libx264 -preset ultrafast -bf 2 -pix_fmt yuv420p -c:a aac -shortest -movflags +faststart"),
            "fragmented.mp4" => MutationSeeds.Generate(made, "fragmented", ".mp4",
                "-f lavfi -i testsrc2=s=64x48:r=10:d=1 -f lavfi -i sine=d=1 -c:v libx264 -preset ultrafast -g 4 -pix_fmt yuv420p -c:a aac -shortest -movflags frag_keyframe+empty_moov"),
            "mov" => MutationSeeds.Generate(made, "qt", ".mov",
                "-f lavfi -i testsrc2=s=64x48:r=10:d=1 -f lavfi -i sine=d=1:sample_rate=8000 -c:v mjpeg -c:a pcm_s16le -shortest"),
            "wav" => MutationSeeds.Generate(made, "tone", ".wav", "-f lavfi -i sine=d=0.2:sample_rate=8000 -c:a pcm_s16le"),
            "rf64.wav" => MutationSeeds.Generate(made, "rf64", ".wav", "-f lavfi -i sine=d=0.2:sample_rate=8000 -c:a pcm_s16le -rf64 always"),
            "mp3" => MutationSeeds.Generate(made, "tone", ".mp3", "-f lavfi -i sine=d=0.5 -c:a libmp3lame -b:a 32k"),
            "png" => new MediaSeed("rgb", ".png", Png(24, 16)),
            "interlaced.png" => new MediaSeed("adam7", ".png", Png(19, 13, interlaced: true)),
            "jpg" => MutationSeeds.Generate(made, "pattern", ".jpg", "-f lavfi -i testsrc2=s=64x48:d=1 -frames:v 1 -q:v 5"),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    /// <summary>The mutants of one seed, always the same for the same random seed.</summary>
    private static IEnumerable<(string Description, byte[] Bytes)> Mutants(MediaSeed seed, int randomSeed)
    {
        var generator = new MutationGenerator(randomSeed);
        foreach (var kind in MutationGenerator.AllKinds)
        {
            for (var i = 0; i < 25; i++)
            {
                var (bytes, description) = generator.Mutate(seed, kind);
                yield return ($"{kind}: {description}", bytes);
            }
        }

        var source = seed.Bytes;
        var units = MediaUnits.Parse(seed.Extension, source).Units;
        // Every unit of a small file, at most 40 of them (spread over the file) to keep the sweep fast.
        var step = Math.Max(1, units.Count / 40);
        foreach (var unit in units.Where((_, i) => i % step == 0))
        {
            var where = $"{unit.Name} at {unit.Offset}";
            foreach (var cut in new[] { unit.Offset, unit.Offset + 4, unit.Offset + 8, unit.Offset + unit.Length - 1 }.Distinct())
            {
                if (cut > 0 && cut < source.Length) yield return ($"cut at {cut} ({where})", source[..cut]);
            }
            foreach (var fill in new byte[] { 0x00, 0xFF, 0x7F })
            {
                var copy = (byte[])source.Clone();
                copy.AsSpan(unit.Offset, Math.Min(8, unit.Length)).Fill(fill);
                yield return ($"header of {where} filled with {fill:X2}", copy);
            }
            if (unit.SizeField == SizeField.None) continue;
            foreach (var size in new ulong[] { 0, 1, 7, 8, uint.MaxValue })
                yield return ($"size of {where} set to {size}", WithRawSize(source, unit, size));
            if (unit.SizeField == SizeField.Mp4Box && unit.Length >= 16)
            {
                foreach (var large in new ulong[] { 0, 8, 15, 16, (ulong)unit.Length, long.MaxValue, ulong.MaxValue })
                {
                    var copy = WithRawSize(source, unit, 1);
                    BinaryPrimitives.WriteUInt64BigEndian(copy.AsSpan(unit.Offset + 8), large);
                    yield return ($"64-bit size of {where} set to {large}", copy);
                }
            }
        }
    }

    /// <summary>A copy whose size field holds <paramref name="size"/>, cut to the field's width (no clamping: 0xFFFF… stays).</summary>
    private static byte[] WithRawSize(byte[] source, MediaUnit unit, ulong size)
    {
        var copy = (byte[])source.Clone();
        var at = copy.AsSpan(unit.SizeFieldOffset);
        switch (unit.SizeField)
        {
            case SizeField.Mp4Box or SizeField.PngChunk: BinaryPrimitives.WriteUInt32BigEndian(at, (uint)size); break;
            case SizeField.RiffChunk: BinaryPrimitives.WriteUInt32LittleEndian(at, (uint)size); break;
            case SizeField.JpegSegment: BinaryPrimitives.WriteUInt16BigEndian(at, (ushort)size); break;
            case SizeField.Id3Syncsafe:
                for (var i = 0; i < 4; i++) at[i] = (byte)((Math.Min(size, 0x0FFFFFFF) >> (21 - 7 * i)) & 0x7F);
                break;
        }
        return copy;
    }

    private sealed record Outcome<T>(T? Report, Exception? Error, bool TimedOut);

    /// <summary>Runs one reader on the thread pool so that a hang shows as a failure instead of stopping the test run.</summary>
    private static async Task<Outcome<T>> BoundedAsync<T>(Func<Task<T>> run)
    {
        var task = Task.Run(run);
        if (await Task.WhenAny(task, Task.Delay(PerFile)) != task) return new(default, null, true);
        try
        {
            return new(await task, null, false);
        }
        catch (Exception e)
        {
            return new(default, e, false);
        }
    }

    private static string Summary(FileReport report) =>
        $"{report.Verdict} [{string.Join("; ", report.Findings.Select(f => $"{f.Severity} {f.Code}: {f.Message}"))}]";
}
