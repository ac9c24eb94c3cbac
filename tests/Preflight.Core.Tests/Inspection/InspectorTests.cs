using Preflight.Core.Inspection;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Inspection;

public sealed class InspectorTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Inspector _inspector = new(new MediaTools(new MediaToolsOptions()));

    [Fact]
    public async Task InspectAsync_SymbolicLink_ReportsAndLimitsTheTargetsSize()
    {
        // The CLI follows links inside folders; the size limit must see the file, not the link's few bytes.
        var target = RepoPaths.TestFile("valid", "image-160x90.png");
        var link = _dir.File("link.png");
        File.CreateSymbolicLink(link, target);

        var report = await _inspector.InspectAsync(new InspectionRequest(link, "link.png"), new InspectionOptions(), CancellationToken.None);

        Assert.Equal(Verdict.Pass, report.Verdict);
        Assert.Equal(new FileInfo(target).Length, report.SizeBytes);
    }

    [Fact]
    public async Task InspectAsync_UploadUnderTempName_FixCommandsNameTheUsersFile()
    {
        // Uploads and URLs are inspected under generated temp names; the fix must be pasteable for the user's file.
        var temp = _dir.File("upload-3f2a.bin");
        File.Copy(RepoPaths.TestFile("valid", "warning-not-faststart.mp4"), temp);

        var report = await _inspector.InspectAsync(new InspectionRequest(temp, "My Clip.mp4"), new InspectionOptions(), CancellationToken.None);

        var warning = Assert.Single(report.Findings, f => f.Code == FindingCodes.VideoNotFaststart);
        Assert.Contains("'My Clip.mp4'", warning.Fix);
        Assert.DoesNotContain("upload-3f2a", warning.Fix);
    }

    [Fact]
    public async Task InspectAsync_WavStreamedToAPipe_FailsWithAFixThatRewritesTheHeader()
    {
        var streamed = _dir.File("streamed.wav");
        RunIn(_dir.Path, "ffmpeg", "-v error -f lavfi -i sine=d=1 -f wav -y pipe:1", stdoutTo: streamed);

        var report = await _inspector.InspectAsync(new InspectionRequest(streamed, "streamed.wav"), new InspectionOptions(), CancellationToken.None);
        var finding = Assert.Single(report.Findings);
        Assert.Equal(FindingCodes.FileCorrupt, finding.Code);
        Assert.Contains("0xFFFFFFFF", finding.Message);
        Assert.NotNull(finding.Fix);

        RunIn(_dir.Path, "sh", "-c \"" + finding.Fix!.Replace("\"", "\\\"") + "\"");
        var fixedFile = _dir.File("streamed.fixed.wav");
        var fixedReport = await _inspector.InspectAsync(new InspectionRequest(fixedFile, "streamed.fixed.wav"), new InspectionOptions(), CancellationToken.None);
        Assert.Equal(Verdict.Pass, fixedReport.Verdict);
        Assert.Equal(1.0, fixedReport.Media!.DurationSeconds!.Value, 2);
    }

    [Theory]
    [InlineData("valid", "image-160x90.png")]
    [InlineData("valid", "image-320x180.jpg")]
    [InlineData("valid", "audio-64kbps-mono.mp3")]
    [InlineData("valid", "audio-pcm16-22khz-mono.wav")]
    [InlineData("valid", "warning-not-faststart.mp4")]
    [InlineData("corrupt", "png-bad-idat-crc.png")]
    [InlineData("corrupt", "mp3-garbage-between-frames.mp3")]
    [InlineData("corrupt", "mp4-truncated-faststart-mid-mdat.mp4")]
    public async Task InspectAsync_LocalFileReadOnce_GivesTheReportOfReadingThePath(string category, string name)
    {
        // A local file is read once into memory, hashed and walked from there; a received file (SHA-256 known) is
        // walked from its path. Both must say the same thing about the same bytes.
        var path = RepoPaths.TestFile(category, name);
        var sha256 = await Hashing.Sha256FileAsync(path, CancellationToken.None);

        var once = await _inspector.InspectAsync(new InspectionRequest(path, name), new InspectionOptions(), CancellationToken.None);
        var fromPath = await _inspector.InspectAsync(new InspectionRequest(path, name) { Sha256 = sha256 }, new InspectionOptions(), CancellationToken.None);

        Assert.Equal(sha256, once.Sha256);
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(fromPath, PreflightJson.Compact),
            System.Text.Json.JsonSerializer.Serialize(once, PreflightJson.Compact));
    }

    [Fact]
    public async Task InspectAsync_DeferHash_LeavesOutOnlyAHashThatNeedsAReadOfItsOwn()
    {
        // A small file is read whole anyway, so its hash comes free and stays; a large one's would be a second pass
        // over the file, left to the caller (a fix hashes its input while ffmpeg runs).
        var small = RepoPaths.TestFile("valid", "warning-not-faststart.mp4");
        var large = _dir.Write("large.mp4", MakeLarge(File.ReadAllBytes(small)));
        var options = new InspectionOptions();

        var smallReport = await _inspector.InspectAsync(new InspectionRequest(small, "small.mp4") { DeferHash = true }, options, CancellationToken.None);
        var largeDeferred = await _inspector.InspectAsync(new InspectionRequest(large, "large.mp4") { DeferHash = true }, options, CancellationToken.None);
        var largeWhole = await _inspector.InspectAsync(new InspectionRequest(large, "large.mp4"), options, CancellationToken.None);

        Assert.Equal(await Hashing.Sha256FileAsync(small, CancellationToken.None), smallReport.Sha256);
        Assert.Null(largeDeferred.Sha256);
        Assert.Equal(await Hashing.Sha256FileAsync(large, CancellationToken.None), largeWhole.Sha256);
        // Nothing else about the report changes.
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(largeWhole with { Sha256 = null }, PreflightJson.Compact),
            System.Text.Json.JsonSerializer.Serialize(largeDeferred, PreflightJson.Compact));
    }

    /// <summary>The file with a 'free' box appended that takes it past the size read into memory whole.</summary>
    private static byte[] MakeLarge(byte[] mp4) =>
        [.. mp4, .. Formats.Mp4.Mp4BoxBuilder.Box("free", new byte[FileContents.MaxBytes + 1024])];

    private static void RunIn(string folder, string program, string arguments, string? stdoutTo = null)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = stdoutTo is not null,
            UseShellExecute = false,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        if (stdoutTo is not null)
        {
            using var output = File.Create(stdoutTo);
            process.StandardOutput.BaseStream.CopyTo(output);
        }
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }

    public void Dispose() => _dir.Dispose();
}
