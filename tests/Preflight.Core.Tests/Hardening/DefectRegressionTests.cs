using System.Buffers.Binary;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.TestSupport;
using Preflight.TestSupport.Mutations;
using static Preflight.Core.Tests.Hardening.HardeningFiles;

namespace Preflight.Core.Tests.Hardening;

/// <summary>
/// One regression test per defect class of issue 10 (the mutation campaign), each on a file made here. The campaign
/// itself runs in Preflight.Cli.Tests (MutationCampaignTests) and bench/mutation-campaign.sh.
/// </summary>
public sealed class DefectRegressionTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// The first mutation (from seed 1 on) of <paramref name="bytes"/> that the reference decoder rejects while quick
    /// mode passes it: damage inside the coded data, with every structure intact.
    /// </summary>
    private async Task<(byte[] Bytes, string Description)> FirstRejectedAsync(byte[] bytes, string extension, MutationKind kind)
    {
        var seed = new MediaSeed("source", extension, bytes);
        for (var attempt = 1; attempt <= 60; attempt++)
        {
            var (mutated, description) = new MutationGenerator(attempt).Mutate(seed, kind);
            var path = _dir.Write($"candidates/{attempt}{extension}", mutated);
            if ((await ReferenceDecoder.DecodeAsync(path, TimeSpan.FromMinutes(5))).Rejected
                && (await InspectAsync(_dir, $"quick{attempt}{extension}", mutated, deep: false)).Verdict == Verdict.Pass)
                return (mutated, description);
        }
        throw new InvalidOperationException($"no {kind} mutation in 60 that ffmpeg rejects and quick mode passes");
    }

    // Defect 1: ImageSharp conceals damage in a JPEG's entropy-coded data; ffmpeg reports it.
    [Theory]
    [InlineData(MutationKind.FlipBytesResealed)]
    [InlineData(MutationKind.ZeroBlock)]
    public async Task InspectDeep_JpegScanDamagedThatFfmpegRejects_FailsCorruptNamingWhereDamageStarts(MutationKind kind)
    {
        var (damaged, description) = await FirstRejectedAsync(Jpeg(_dir), ".jpg", kind);

        var report = await InspectAsync(_dir, "damaged.jpg", damaged, deep: true);

        AssertCorrupt(report, "MCU row");
        Assert.True(report.Findings.Count(f => f.Severity == Severity.Error) == 1, description + ": " + Describe(report));
    }

    // Defect 2: every chunk CRC right, the IDAT zlib stream wrong.
    public static TheoryData<string> BrokenZlibStreams() => new()
    {
        "deflate data damaged", "adler-32 wrong", "one row missing", "one byte too many", "interlaced pass missing a row", "stream cut off",
    };

    [Theory]
    [MemberData(nameof(BrokenZlibStreams))]
    public async Task InspectQuickAndDeep_PngWhoseIdatStreamIsBrokenWithRightCrcs_FailsCorrupt(string what)
    {
        var png = what switch
        {
            "deflate data damaged" => Png(64, 48, zlibEdit: z => { z[z.Length / 2] ^= 0xFF; z[z.Length / 2 + 1] ^= 0x55; return z; }),
            "adler-32 wrong" => Png(64, 48, zlibEdit: z => { z[^1] ^= 0x01; return z; }),
            "one row missing" => Png(64, 48, rawEdit: r => r[..^(1 + 64 * 3)]),
            "one byte too many" => Png(64, 48, rawEdit: r => [.. r, 0]),
            "interlaced pass missing a row" => Png(64, 48, interlaced: true, rawEdit: r => r[..^(1 + 64 * 3)]),
            "stream cut off" => Png(64, 48, zlibEdit: z => z[..(z.Length - 6)]),
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };

        AssertCorrupt(await InspectAsync(_dir, "quick.png", png, deep: false));
        AssertCorrupt(await InspectAsync(_dir, "deep.png", png, deep: true));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Inspect_PngWithExactZlibStream_Passes(bool interlaced)
    {
        var report = await InspectAsync(_dir, "good.png", Png(61, 37, interlaced), deep: true);

        Assert.True(report.Verdict == Verdict.Pass, Describe(report));
    }

    // Defect 3: frame-threaded decoding reports damage depending on timing; the same bytes must give the same verdict.
    [Fact]
    public async Task InspectDeep_H264WithFlippedBytesThatSingleThreadedDecodeRejects_FailsEveryTime()
    {
        var (damaged, description) = await FirstRejectedAsync(H264(_dir), ".mp4", MutationKind.FlipBytes);

        for (var run = 0; run < 4; run++)
            AssertCorrupt(await InspectAsync(_dir, $"run{run}.mp4", damaged, deep: true), "decod");
        _ = description;
    }

    // Defect 4: structures the mov demuxer rejects.
    [Theory]
    [InlineData("ctts")]
    [InlineData("stsd")]
    [InlineData("mdhd")]
    [InlineData("mdia")]
    [InlineData("stbl")]
    public async Task InspectQuick_Mp4WithDuplicatedSingleInstanceBox_FailsCorruptNamingTheBox(string box)
    {
        var mp4 = MutationGenerator.WithDuplicated(Mp4MoovLast(_dir), ".mp4", box);

        AssertCorrupt(await InspectAsync(_dir, "dup.mp4", mp4, deep: false), $"'{box}'");
    }

    [Fact]
    public async Task InspectQuick_FragmentedMp4WithoutMvex_FailsCorrupt()
    {
        var mp4 = MutationGenerator.WithRemoved(FragmentedMp4(_dir), ".mp4", "mvex");

        AssertCorrupt(await InspectAsync(_dir, "no-mvex.mp4", mp4, deep: false), "mvex");
    }

    [Fact]
    public async Task InspectQuick_Mp4WithZeroSizeUrlBox_FailsCorrupt()
    {
        var mp4 = MutationGenerator.WithSize(Mp4MoovLast(_dir), ".mp4", "url ", 0);

        AssertCorrupt(await InspectAsync(_dir, "zero-url.mp4", mp4, deep: false), "'url '");
    }

    [Fact]
    public async Task InspectQuick_Mp4ChildBoxLargerThanItsParent_FailsCorrupt()
    {
        var source = Mp4MoovLast(_dir);
        var stbl = MutationGenerator.Find(source, ".mp4", "stbl");
        var mp4 = MutationGenerator.WithSize(source, ".mp4", "stsz", stbl.Length + 64);

        AssertCorrupt(await InspectAsync(_dir, "oversized-child.mp4", mp4, deep: false), "'stsz'");
    }

    // Defect 5: "Cannot allocate memory" from a malformed table, far below the memory cap, is a corrupt file.
    [Fact]
    public async Task Decode_MalformedTableFfmpegCannotAllocate_IsCorruptWithFfmpegsReason()
    {
        var mp4 = MutationGenerator.WithDuplicated(Mp4MoovLast(_dir), ".mp4", "ctts");
        var path = _dir.Write("dup-ctts.mp4", mp4);

        var findings = await new MediaTools(new MediaToolsOptions()).DecodeAsync(path, "mp4", CancellationToken.None);

        var finding = Assert.Single(findings);
        Assert.Equal(FindingCodes.FileCorrupt, finding.Code);
        Assert.Contains("Cannot allocate memory", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decode_RealMemoryCapHit_StaysProbeFailed()
    {
        var path = _dir.Write("good.mp4", H264(_dir, "cap"));
        var tools = new MediaTools(new MediaToolsOptions { MemoryLimitBytes = 48L * 1024 * 1024 });

        var findings = await tools.DecodeAsync(path, "mp4", CancellationToken.None);

        var finding = Assert.Single(findings);
        Assert.Equal(FindingCodes.ProbeFailed, finding.Code);
    }

    // Defect 7: the verdict may stand, the diagnosis must be right.
    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    public async Task Inspect_WavRiffSizeZeroOrOne_SaysRiffSizeNotMissingFmt(uint riffSize)
    {
        var wav = Wav(_dir);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(4), riffSize);

        var report = await InspectAsync(_dir, "riff.wav", wav, deep: false);

        Assert.DoesNotContain(report.Findings, f => f.Message.Contains("fmt", StringComparison.OrdinalIgnoreCase) && f.Message.Contains("No ", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Message.Contains("RIFF size", StringComparison.Ordinal) && f.Message.Contains($"{riffSize}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Inspect_Mp3WithBytesInsertedInsideId3Tag_NamesTagSizeAndFirstFrame()
    {
        var mp3 = Mp3(_dir);
        var tag = MutationGenerator.Find(mp3, ".mp3", "ID3v2");
        var damaged = MutationGenerator.Splice(mp3, tag.Offset + 10 + (tag.Length - 10) / 2, 0, new byte[37]);

        var report = await InspectAsync(_dir, "tag.mp3", damaged, deep: false);

        Assert.DoesNotContain(report.Findings, f => f.Message.Contains("no MPEG audio frames", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Message.Contains("ID3v2 tag", StringComparison.Ordinal)
                                              && f.Message.Contains($"{tag.Length}", StringComparison.Ordinal)
                                              && f.Message.Contains($"{tag.Length + 37}", StringComparison.Ordinal));
    }

    // Defect 8 (decided in README, "Strictness"): intact media with an off container field or trailing bytes is a
    // warning with the precise reason and a fix, not file.corrupt.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Inspect_Mp4WithBytesAfterItsLastBox_PassesWithTrailingDataWarning(bool deep)
    {
        var mp4 = Mp4MoovLast(_dir);
        var appended = (byte[])[.. mp4, .. Enumerable.Range(0, 300).Select(i => (byte)(i * 31))];

        var report = await InspectAsync(_dir, "tail.mp4", appended, deep);

        Assert.True(report.Verdict == Verdict.Pass, Describe(report));
        var warning = Assert.Single(report.Findings, f => f.Code == FindingCodes.FileTrailingData);
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Contains("300", warning.Message, StringComparison.Ordinal);
        Assert.Contains("-c copy", warning.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Inspect_WavRiffSizeWrongDataChunkComplete_PassesWithHeaderWarning(bool deep)
    {
        var wav = Wav(_dir);
        BinaryPrimitives.WriteUInt32LittleEndian(wav.AsSpan(4), (uint)(wav.Length - 8 + 1000));

        var report = await InspectAsync(_dir, "riff.wav", wav, deep);

        Assert.True(report.Verdict == Verdict.Pass, Describe(report));
        var warning = Assert.Single(report.Findings, f => f.Code == FindingCodes.FileHeaderMismatch);
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Contains("RIFF size", warning.Message, StringComparison.Ordinal);
        Assert.NotNull(warning.Fix);
    }
}
