using System.Globalization;
using Preflight.Core.Formats.Mp3;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;
using Preflight.TestSupport;
using Preflight.TestSupport.Mutations;
using static Preflight.Core.Tests.Hardening.HardeningFiles;

namespace Preflight.Core.Tests.Hardening;

/// <summary>
/// Issue 10, defect 7 (MP3 half) as a mutation test: bytes inserted into an ID3v2 tag at many positions, of many
/// lengths and values, so the tag's declared size ends before the first frame. Every such file plays (ffmpeg skips
/// the gap), so quick mode passes it with one <c>file.header_mismatch</c> warning naming the tag's declared end and
/// where the first frame really starts; and the search for that frame never takes random bytes for audio.
/// </summary>
public sealed class Id3GapMutationTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Inspect_BytesInsertedIntoId3Tag_PassesWithWarningNamingDeclaredEndAndFirstFrame()
    {
        var mp3 = Mp3(_dir);
        var ffmpegTag = MutationGenerator.Find(mp3, ".mp3", "ID3v2");
        var audio = mp3[ffmpegTag.Length..];
        // A second tag as taggers write them: a text frame, then zero padding the size counts.
        var paddedTag = Sniffing.Samples.Id3(1500, version: 3);
        var random = new Random(20261202);
        var failures = new List<string>();
        var cases = 0;

        foreach (var (tagName, tag) in new[] { ("ffmpeg's tag", mp3[..ffmpegTag.Length]), ("a padded 1,510-byte tag", paddedTag) })
        {
            var file = (byte[])[.. tag, .. audio];
            foreach (var length in new[] { 1, 37, 300, 2000 })
            {
                foreach (var position in new[] { 10, 10 + (tag.Length - 10) / 2, tag.Length - 1, tag.Length })
                {
                    foreach (var value in new[] { "zero", "0xFF", "random", "text" })
                    {
                        var inserted = value switch
                        {
                            "zero" => new byte[length],
                            "0xFF" => Enumerable.Repeat((byte)0xFF, length).ToArray(),
                            "text" => Enumerable.Range(0, length).Select(i => (byte)"TIT2 inserted text "[i % 19]).ToArray(),
                            _ => Bytes(random, length),
                        };
                        var damaged = MutationGenerator.Splice(file, position, 0, inserted);
                        var what = $"{length} {value} byte(s) inserted at {position} of {tagName}";
                        cases++;

                        var report = await InspectAsync(_dir, $"gap-{cases}.mp3", damaged, deep: false);

                        var declaredEnd = tag.Length.ToString("N0", CultureInfo.InvariantCulture);
                        var firstFrame = (tag.Length + length).ToString("N0", CultureInfo.InvariantCulture);
                        var warnings = report.Findings.Where(f => f.Code == FindingCodes.FileHeaderMismatch).ToList();
                        if (report.Verdict != Verdict.Pass || report.Detected?.Format != KnownFormats.Mp3
                            || warnings.Count != 1 || warnings[0].Severity != Severity.Warning
                            || !warnings[0].Message.Contains("ID3v2 tag", StringComparison.Ordinal)
                            || !warnings[0].Message.Contains($"byte {declaredEnd}", StringComparison.Ordinal)
                            || !warnings[0].Message.Contains($"byte {firstFrame}", StringComparison.Ordinal))
                        {
                            failures.Add($"{what}: {Describe(report)}");
                        }
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {cases}:\n" + string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void Probe_TagThenRandomBytes_FindsNoFramesAndNoGap()
    {
        // Random data after a tag has 11-bit syncs every few KB; none may be taken for the first frame.
        var prober = new Mp3Prober();
        for (var seed = 1; seed <= 100; seed++)
        {
            byte[] bytes = [.. Sniffing.Samples.Id3(100), .. Bytes(new Random(seed), 8 * 1024)];

            var result = prober.Probe(_dir.Write($"random-{seed}.mp3", bytes));

            Assert.DoesNotContain(result.Findings, f => f.Code == FindingCodes.FileHeaderMismatch);
            Assert.Contains(result.Findings, f => f.Message.Contains("no MPEG audio frames", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Probe_DecoyFramePairInGapThenRealFrames_NamesTheRealFirstFrame()
    {
        // Two chained headers inside the gap (junk that looks like two frames) are not the audio: three in a row are.
        var frame = Sniffing.Samples.Mp3Frames(1);
        var junk = Enumerable.Repeat((byte)0x55, 50).ToArray();
        var tag = Sniffing.Samples.Id3(100);
        byte[] bytes = [.. tag, .. junk, .. frame, .. frame, .. junk, .. Sniffing.Samples.Mp3Frames(40)];

        var result = new Mp3Prober().Probe(_dir.Write("decoy.mp3", bytes));

        var warning = Assert.Single(result.Findings);
        Assert.Equal(FindingCodes.FileHeaderMismatch, warning.Code);
        Assert.Contains($"byte {tag.Length}", warning.Message, StringComparison.Ordinal);
        var firstFrame = tag.Length + 50 + 2 * frame.Length + 50;
        Assert.Contains($"byte {firstFrame.ToString("N0", CultureInfo.InvariantCulture)}", warning.Message, StringComparison.Ordinal);
    }

    private static byte[] Bytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
