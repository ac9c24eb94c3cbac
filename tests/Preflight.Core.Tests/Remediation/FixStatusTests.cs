using System.Text;
using System.Text.Json;
using Preflight.Core.Remediation;
using Preflight.Core.Reports;
using Preflight.Core.Tests.Probing.Video;

namespace Preflight.Core.Tests.Remediation;

public sealed class FixStatusTests(FixHarness h) : IClassFixture<FixHarness>
{
    [Theory]
    [InlineData("page.mp4", "<!DOCTYPE html><html><body>Access denied</body></html>", "web page")]
    [InlineData("doc.png", "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "PDF")]
    [InlineData("notes.mp3", "just some words in a text file, nothing else here at all\n", "The file is plain text, not media.")]
    [InlineData("data.mp4", "{\"error\": \"not found\"}", "The file is a JSON document, not media.")]
    [InlineData("feed.jpg", "<?xml version=\"1.0\"?><rss><channel/></rss>", "The file is an XML document, not media.")]
    public async Task Fix_NotMedia_NotFixableWithReason(string name, string content, string reason)
    {
        var input = h.Write(name, Encoding.ASCII.GetBytes(content));
        var (fix, output) = await h.FixAndKeepAsync(input, new FixOptions { Salvage = true, Trim = true });

        Assert.Equal(FixStatus.NotFixable, fix.Status);
        Assert.Contains(reason, fix.Reason);
        Assert.Null(output);
        Assert.Null(fix.After);
    }

    [Fact]
    public async Task Fix_EmptyFile_NotFixable()
    {
        var (fix, _) = await h.FixAndKeepAsync(h.Write("empty.mp4", []));
        Assert.Equal(FixStatus.NotFixable, fix.Status);
        Assert.Contains("empty", fix.Reason);
    }

    [Fact]
    public async Task Fix_ZipArchive_NotFixable()
    {
        var zip = new byte[] { 0x50, 0x4B, 0x03, 0x04, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
        var (fix, _) = await h.FixAndKeepAsync(h.Write("bundle.mp4", zip));
        Assert.Equal(FixStatus.NotFixable, fix.Status);
        Assert.Contains("ZIP", fix.Reason);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Fix_PlaylistListingALocalFile_NeverReachesFfmpeg()
    {
        // A real segment beside a playlist that names it: plain ffmpeg would read it and write a "fixed" video.
        var segment = h.Generate("hostile/seg.ts", "-f lavfi -i testsrc=size=160x120:rate=25 -t 1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -f mpegts");
        var playlist = h.Write("hostile/clip.mp4", Encoding.ASCII.GetBytes(
            $"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n{segment}\n#EXTINF:1.0,\nseg.ts\n#EXT-X-ENDLIST\n"));
        // Every ffprobe/ffmpeg start of this engine is recorded by a shim, which then runs the real tool.
        var calls = Path.Combine(h.Folder, "hostile", "calls.log");
        var remediator = FixHarness.Over(ToolShims.Tools(Path.Combine(h.Folder, "hostile", "bin"), calls));

        var (fix, output) = await h.FixAndKeepAsync(playlist, new FixOptions { Salvage = true, Trim = true }, remediator);

        Assert.Equal(FixStatus.NotFixable, fix.Status);
        Assert.Contains("playlist", fix.Reason);
        Assert.Null(output);
        Assert.Empty(ToolShims.Recorded(calls));
        // Control: the same engine does start ffmpeg for the segment itself, so a start for the playlist would have shown.
        var (segmentFix, _) = await h.FixAndKeepAsync(segment, options: null, remediator);
        Assert.Equal(FixStatus.Fixed, segmentFix.Status);
        Assert.Contains(ToolShims.Recorded(calls), c => c.StartsWith("ffmpeg ", StringComparison.Ordinal) && c.Contains("-f mpegts", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fix_PassingFile_NotNeededAndCopiedOnlyWhenAsked()
    {
        var input = h.Generate("fine.mp4", "-f lavfi -i testsrc=size=320x240:rate=25 -t 1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -movflags +faststart");

        using (var plain = await h.FixAsync(input))
        {
            Assert.Equal(FixStatus.NotNeeded, plain.Report.Fix!.Status);
            Assert.Null(plain.OutputPath);
        }
        using var copied = await h.FixAsync(input, new FixOptions { CopyPassing = true });
        Assert.Equal(FixStatus.NotNeeded, copied.Report.Fix!.Status);
        Assert.Equal(FixOps.Copy, Assert.Single(copied.Report.Fix.Operations).Op);
        Assert.Equal(input, copied.OutputPath);
        Assert.False(copied.OwnsOutput);
    }

    [Fact]
    public async Task FixReport_Json_HasEveryFixMemberAndCheckReportsHaveNone()
    {
        var input = h.Write("page.mov", "<html><body>error</body></html>"u8.ToArray());
        using var outcome = await h.FixAsync(input);

        var json = JsonSerializer.SerializeToElement(outcome.WithOutput(null), PreflightJson.Options);
        var fix = json.GetProperty("fix");
        Assert.Equal("not_fixable", fix.GetProperty("status").GetString());
        foreach (var member in new[] { "output", "operations", "lost", "after", "reason", "needs" })
            Assert.True(fix.TryGetProperty(member, out _), $"fix.{member} missing");
        Assert.Equal(JsonValueKind.Null, fix.GetProperty("output").ValueKind);

        var check = await h.Inspector.InspectAsync(new Preflight.Core.Inspection.InspectionRequest(input, "page.mov"), new Preflight.Core.Inspection.InspectionOptions(), CancellationToken.None);
        Assert.False(JsonSerializer.SerializeToElement(check, PreflightJson.Options).TryGetProperty("fix", out _));
    }

    [Fact]
    public async Task Fix_OutputAlwaysReinspectedInDeepModeWhenAsked()
    {
        var input = h.Generate("deep.mkv", "-f lavfi -i testsrc=size=160x120:rate=25 -t 1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -f matroska");
        var (fix, _) = await h.FixAndKeepAsync(input, new FixOptions { Deep = true });

        Assert.Equal(FixStatus.Fixed, fix.Status);
        Assert.Equal(Verdict.Pass, fix.After!.Verdict);
    }
}
