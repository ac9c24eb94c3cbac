using System.Security.Cryptography;
using System.Text.Json;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

/// <summary><c>preflight fix</c> in-process against the real engine and the real ffmpeg.</summary>
public sealed class FixCommandTests
{
    private static void Ffmpeg(string output, string arguments) => TestMedia.Ffmpeg(output, arguments);

    private const string H264AacMov = "-f lavfi -i testsrc=size=160x120:rate=25 -f lavfi -i sine -t 0.5 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest -f mov";

    /// <summary>media/sub/clip.mov (H.264/AAC: fixable by a remux) and media/ok.wav (passes).</summary>
    private static TempDir Media()
    {
        var dir = new TempDir();
        Ffmpeg(dir.File("media/sub/clip.mov"), H264AacMov);
        dir.Write("media/ok.wav", TestMedia.Wav());
        return dir;
    }

    private static Dictionary<string, string> Hashes(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))));

    private static string[] Files(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task Fix_Folder_OutputsUnderOutWithSameRelativePathsInputsUntouched()
    {
        using var dir = Media();
        var before = Hashes(dir.File("media"));

        var result = await CliRunner.RunInAsync(dir.Path, "fix", "media", "--out", "fixed", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(before, Hashes(dir.File("media")));
        Assert.Equal(["sub/clip.mp4"], Files(dir.File("fixed")));
        using var json = JsonDocument.Parse(result.Out);
        var files = json.RootElement.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!);
        Assert.Equal("fixed", files["sub/clip.mov"].GetProperty("fix").GetProperty("status").GetString());
        Assert.Equal("sub/clip.mp4", files["sub/clip.mov"].GetProperty("fix").GetProperty("output").GetString());
        Assert.Equal("not_needed", files["ok.wav"].GetProperty("fix").GetProperty("status").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("fixes").GetProperty("fixed").GetInt32());
    }

    [Fact]
    public async Task Fix_CopyPassing_OutIsACompleteSet()
    {
        using var dir = Media();
        var result = await CliRunner.RunInAsync(dir.Path, "fix", "media", "--copy-passing");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["ok.wav", "sub/clip.mp4"], Files(dir.File(FixCommandDefaults.Out)));
        Assert.Equal(File.ReadAllBytes(dir.File("media/ok.wav")), File.ReadAllBytes(dir.File("preflight-fixed/ok.wav")));
        Assert.Contains("fix: fixed → sub/clip.mp4", result.Out);
    }

    [Fact]
    public async Task Fix_UnfixableFile_ExitsOneWithReason()
    {
        using var dir = new TempDir();
        dir.Write("in/page.mp4", "<html><body>Sign in</body></html>"u8.ToArray());

        var result = await CliRunner.RunInAsync(dir.Path, "fix", "in", "--format", "json");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var fix = json.RootElement.GetProperty("files")[0].GetProperty("fix");
        Assert.Equal("not_fixable", fix.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, fix.GetProperty("output").ValueKind);
        Assert.Contains("web page", fix.GetProperty("reason").GetString());
        Assert.False(Directory.Exists(dir.File("preflight-fixed")) && Directory.EnumerateFileSystemEntries(dir.File("preflight-fixed"), "*", SearchOption.AllDirectories).Any(e => File.Exists(e)));
    }

    [Fact]
    public async Task Fix_OutInsideInputFolder_OutputsAreNotCheckedAgain()
    {
        using var dir = Media();
        var first = await CliRunner.RunInAsync(dir.Path, "fix", "media", "--out", "media/fixed", "--format", "json");
        var second = await CliRunner.RunInAsync(dir.Path, "fix", "media", "--out", "media/fixed", "--format", "json");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        using var json = JsonDocument.Parse(second.Out);
        Assert.Equal(["ok.wav", "sub/clip.mov"], json.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Fix_FixedOutputs_AreNotNeededTheSecondTime()
    {
        using var dir = Media();
        Assert.Equal(0, (await CliRunner.RunInAsync(dir.Path, "fix", "media", "--out", "once")).ExitCode);

        var again = await CliRunner.RunInAsync(dir.Path, "fix", "once", "--out", "twice", "--format", "json");

        Assert.Equal(0, again.ExitCode);
        using var json = JsonDocument.Parse(again.Out);
        Assert.All(json.RootElement.GetProperty("files").EnumerateArray(),
            f => Assert.Equal("not_needed", f.GetProperty("fix").GetProperty("status").GetString()));
        Assert.False(Directory.Exists(dir.File("twice")));
    }

    [Fact]
    public async Task Fix_OutUnderARegularFile_SetupErrorBeforeAnyFix()
    {
        using var dir = Media();
        dir.Write("some/file.avi", [1]);

        var result = await CliRunner.RunInAsync(dir.Path, "fix", "media", "--out", "some/file.avi/o");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("preflight: cannot create --out 'some/file.avi/o': '" + dir.File("some/file.avi") + "' is not a folder\n", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Fix_OutputCannotBeWritten_ReportKeptWithTheReason()
    {
        using var dir = Media();
        // --out itself is writable, but the fixed clip's folder under it is taken by a file.
        dir.Write("fixed/sub", [1]);

        var result = await CliRunner.RunInAsync(dir.Path, "fix", "media", "--out", "fixed", "--format", "json");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var clip = json.RootElement.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("path").GetString() == "sub/clip.mov");
        // The input's own check, not an empty stand-in: what it is, its size, its findings.
        Assert.Equal("mov", clip.GetProperty("detected").GetProperty("format").GetString());
        Assert.Equal("format.unsupported", clip.GetProperty("findings")[0].GetProperty("code").GetString());
        Assert.NotEqual(0, clip.GetProperty("sizeBytes").GetInt64());
        Assert.Equal("not_fixable", clip.GetProperty("fix").GetProperty("status").GetString());
        Assert.StartsWith("The fixed file could not be written to 'sub/clip.mp4' under --out: ", clip.GetProperty("fix").GetProperty("reason").GetString());
        Assert.DoesNotContain(FindingCodes.ProbeFailed, result.Out);
    }

    [Fact]
    public async Task Fix_FileNamedInsideOut_IsFixedNotDropped()
    {
        using var dir = new TempDir();
        dir.Write("in/good.wav", TestMedia.Wav());
        Ffmpeg(dir.File("out/broken.mov"), H264AacMov);

        var result = await CliRunner.RunInAsync(dir.Path, "fix", "in/good.wav", "out/broken.mov", "--out", "out", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var files = json.RootElement.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!);
        Assert.Equal(["in/good.wav", "out/broken.mov"], files.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("fixed", files["out/broken.mov"].GetProperty("fix").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Fix_OutIsTheInputFolder_UsageError()
    {
        using var dir = new TempDir();
        dir.Write("in/a.wav", TestMedia.Wav());

        var result = await CliRunner.RunInAsync(dir.Path, "fix", "in", "--out", "in", "--copy-passing");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("over the inputs", result.Error);
    }

    [Fact]
    public async Task Fix_UnknownProfile_UsageErrorListingTheKnownNames()
    {
        using var dir = new TempDir();
        dir.Write("a.wav", TestMedia.Wav());

        var result = await CliRunner.RunInAsync(dir.Path, "fix", "a.wav", "--profile", "nosuch");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nosuch", result.Error);
        Assert.Contains("heygen", result.Error);
        Assert.Contains("tavus", result.Error);
        Assert.False(Directory.Exists(dir.File("preflight-fixed")));
    }

    [Fact]
    public async Task Fix_NamedProfile_IsTheOneTheReportNames()
    {
        using var dir = new TempDir();
        dir.Write("a.wav", TestMedia.Wav());

        var result = await CliRunner.RunInAsync(dir.Path, "fix", "a.wav", "--profile", "tavus", "--format", "json");

        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("tavus", json.RootElement.GetProperty("profile").GetString());
    }

    [Theory]
    [InlineData("--format", "junit")]
    [InlineData("--plan", "gold")]
    [InlineData("--jobs", "0")]
    public async Task Fix_BadOption_UsageError(string option, string value)
    {
        using var dir = new TempDir();
        dir.Write("a.wav", TestMedia.Wav());
        var result = await CliRunner.RunInAsync(dir.Path, "fix", "a.wav", option, value);
        Assert.Equal(2, result.ExitCode);
    }

    /// <summary>Runs the command with an engine that cancels the run (as Ctrl+C would) while it inspects the first file.</summary>
    private static async Task<CliResult> CancelledWhileInspectingAsync(string workingDirectory, params string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        return await CliRunner.RunAsync(
            c => c with
            {
                WorkingDirectory = workingDirectory,
                InspectOverride = async (_, _, ct) =>
                {
                    await cancellation.CancelAsync();
                    await Task.Delay(Timeout.Infinite, ct);
                    throw new InvalidOperationException("unreachable");
                },
            },
            args,
            cancellation.Token);
    }

    [Fact]
    public async Task Fix_Cancelled_Exits130AndWritesNothing()
    {
        using var dir = new TempDir();
        dir.Write("in/a.png", [1]);

        var result = await CancelledWhileInspectingAsync(dir.Path, "fix", "in");

        Assert.Equal(130, result.ExitCode);
        Assert.Equal(["in"], new DirectoryInfo(dir.Path).GetFileSystemInfos().Select(i => i.Name).ToArray());
    }

    /// <summary>
    /// in/a.mkv (MPEG-4 Part 2 + MP2: a transcode, slow) and in/a.mov (H.264/AAC: a remux, fast) both map to a.mp4.
    /// a.mkv comes first in the input list and finishes last.
    /// </summary>
    private static TempDir SameOutputName()
    {
        var dir = new TempDir();
        Ffmpeg(dir.File("in/a.mkv"), "-f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi -i sine -t 1 -c:v mpeg4 -q:v 2 -c:a mp2 -shortest -f matroska");
        Ffmpeg(dir.File("in/a.mov"), H264AacMov);
        return dir;
    }

    [Fact]
    public async Task Fix_OutputFileIsAnotherInputsFolder_EarlierInputWrittenLaterNotFixableSameEveryRun()
    {
        // in/clip.mov → clip.mp4, and in/clip.mp4/b.mov would be written in a folder of that name.
        using var dir = new TempDir();
        Ffmpeg(dir.File("in/clip.mov"), H264AacMov);
        Ffmpeg(dir.File("in/clip.mp4/b.mov"), H264AacMov);

        var first = await FixJsonAsync(dir.Path, "in", "--jobs", "2", "--out", "out1");
        var second = await FixJsonAsync(dir.Path, "in", "--jobs", "2", "--out", "out2");

        foreach (var run in new[] { first, second })
        {
            Assert.Equal("fixed", FixOf(run.Files, "clip.mov").GetProperty("status").GetString());
            Assert.Equal("clip.mp4", FixOf(run.Files, "clip.mov").GetProperty("output").GetString());
            var blocked = FixOf(run.Files, "clip.mp4/b.mov");
            Assert.Equal("not_fixable", blocked.GetProperty("status").GetString());
            Assert.Contains("already an earlier input's output file", blocked.GetProperty("reason").GetString());
            Assert.Equal(JsonValueKind.Null, blocked.GetProperty("output").ValueKind);
        }
        Assert.True(File.Exists(dir.File("out1/clip.mp4")));
    }

    /// <summary><c>preflight fix ARGS --format json</c>: the exit code and the report's file entries.</summary>
    private static async Task<(int ExitCode, JsonElement[] Files)> FixJsonAsync(string workingDirectory, params string[] args)
    {
        var result = await CliRunner.RunInAsync(workingDirectory, ["fix", .. args, "--format", "json"]);
        using var json = JsonDocument.Parse(result.Out);
        return (result.ExitCode, json.RootElement.GetProperty("files").EnumerateArray().Select(f => f.Clone()).ToArray());
    }

    private static JsonElement FixOf(JsonElement[] files, string path) =>
        files.Single(f => f.GetProperty("path").GetString() == path).GetProperty("fix");

    private static void AssertNeedsOption((int ExitCode, JsonElement[] Files) run, string path, string option)
    {
        Assert.Equal(1, run.ExitCode);
        var fix = FixOf(run.Files, path);
        Assert.Equal("needs_option", fix.GetProperty("status").GetString());
        Assert.Contains(option, fix.GetProperty("reason").GetString());
        Assert.Equal(option.TrimStart('-'), fix.GetProperty("needs").GetString());
        Assert.Equal(JsonValueKind.Null, fix.GetProperty("output").ValueKind);
    }

    private static JsonElement AssertFixed((int ExitCode, JsonElement[] Files) run, string path, string op)
    {
        Assert.Equal(0, run.ExitCode);
        var fix = FixOf(run.Files, path);
        Assert.Equal("fixed", fix.GetProperty("status").GetString());
        Assert.Contains(op, Ops(fix));
        return fix;
    }

    private static string[] Ops(JsonElement fix) =>
        fix.GetProperty("operations").EnumerateArray().Select(o => o.GetProperty("op").GetString()!).ToArray();

    [Fact]
    public async Task Fix_TwoInputsOneOutputNameJobs2_FirstInputKeepsThePlainNameThoughItFinishesLast()
    {
        using var dir = SameOutputName();

        var (_, files) = await FixJsonAsync(dir.Path, "in", "--out", "fixed", "--jobs", "2");

        Assert.Equal("a.mp4", FixOf(files, "a.mkv").GetProperty("output").GetString());
        Assert.Equal("a.mov.mp4", FixOf(files, "a.mov").GetProperty("output").GetString());
        Assert.Equal(["a.mov.mp4", "a.mp4"], Files(dir.File("fixed")));
    }

    [Fact]
    public async Task Fix_SameInputsAgainWithJobs1Or2_SameReportEntries()
    {
        using var dir = SameOutputName();

        var (_, jobs1) = await FixJsonAsync(dir.Path, "in", "--out", "one", "--jobs", "1");
        var (_, jobs2) = await FixJsonAsync(dir.Path, "in", "--out", "two", "--jobs", "2");
        var (_, again) = await FixJsonAsync(dir.Path, "in", "--out", "three", "--jobs", "2");

        // Outputs included: the same names, operations and after-checks (down to the output's hash).
        string Text(JsonElement[] files) => string.Join('\n', files.Select(f => f.GetRawText()));
        Assert.Equal(Text(jobs1), Text(jobs2));
        Assert.Equal(Text(jobs1), Text(again));
        Assert.Equal(Files(dir.File("one")), Files(dir.File("two")));
    }

    [Fact]
    public async Task Fix_AudioOverTheDurationLimit_NeedsTrimWithoutAndIsCutWithIt()
    {
        using var dir = new TempDir();
        dir.Write("in/long.wav", TestMedia.Wav(601));

        var without = await FixJsonAsync(dir.Path, "in");
        var with = await FixJsonAsync(dir.Path, "in", "--trim");

        AssertNeedsOption(without, "long.wav", "--trim");
        var trimmed = AssertFixed(with, "long.wav", "trim");
        // The table names the option before the reason, which it shortens.
        var table = await CliRunner.RunAsync(c => c with { WorkingDirectory = dir.Path }, ["fix", "in", "--out", "table-out"]);
        Assert.Contains("  fix: needs_option (trim): The audio lasts", table.Out);
        Assert.Equal(600.0, trimmed.GetProperty("after").GetProperty("media").GetProperty("durationSeconds").GetDouble(), 0.01);
        Assert.Equal(["long.wav"], Files(dir.File(FixCommandDefaults.Out)));
    }

    /// <summary>A valid 2 s H.264 MP4 (moov first, a keyframe a second), made beside the inputs.</summary>
    private static byte[] TwoSecondMp4(TempDir dir)
    {
        Ffmpeg(dir.File("whole.mp4"), "-f lavfi -i testsrc=size=160x120:rate=25 -t 2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -g 25 -movflags +faststart");
        return File.ReadAllBytes(dir.File("whole.mp4"));
    }

    [Fact]
    public async Task Fix_TruncatedMp4_NeedsSalvageWithoutAndReportsWhatWasLostWithIt()
    {
        using var dir = new TempDir();
        var whole = TwoSecondMp4(dir);
        dir.Write("in/cut.mp4", whole[..(whole.Length / 2)]);

        var without = await FixJsonAsync(dir.Path, "in");
        var with = await FixJsonAsync(dir.Path, "in", "--salvage");

        AssertNeedsOption(without, "cut.mp4", "--salvage");
        var salvaged = AssertFixed(with, "cut.mp4", "salvage");
        Assert.Equal("salvage", Ops(salvaged)[0]);
        Assert.InRange(salvaged.GetProperty("lost").GetProperty("seconds").GetDouble(), 0.5, 1.9);
        Assert.Equal("cut.mp4", salvaged.GetProperty("output").GetString());
    }

    [Fact]
    public async Task Fix_PlanWithLowerResolution_ScalesWhatPassesWithoutIt()
    {
        using var dir = new TempDir();
        Ffmpeg(dir.File("in/hd.mp4"), "-f lavfi -i testsrc=size=1920x1080:rate=25 -t 0.2 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -movflags +faststart");

        var without = await FixJsonAsync(dir.Path, "in");
        var free = await FixJsonAsync(dir.Path, "in", "--plan", "free");

        Assert.Equal("not_needed", FixOf(without.Files, "hd.mp4").GetProperty("status").GetString());
        var scaled = AssertFixed(free, "hd.mp4", "scale");
        var media = scaled.GetProperty("after").GetProperty("media");
        Assert.Equal((1280, 720), (media.GetProperty("width").GetInt32(), media.GetProperty("height").GetInt32()));
    }

    [Fact]
    public async Task Fix_Output_WritesTheReportThereAndNothingOnStdout()
    {
        using var dir = Media();
        dir.Write("report.json", "old"u8.ToArray());

        var result = await CliRunner.RunInAsync(dir.Path, "fix", "media", "--out", "fixed", "--format", "json", "--output", "report.json");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Equal("", result.Error);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("report.json")));
        Assert.Equal(1, json.RootElement.GetProperty("fixes").GetProperty("fixed").GetInt32());
        Assert.Equal(["fixed", "media", "report.json"], new DirectoryInfo(dir.Path).GetFileSystemInfos().Select(i => i.Name).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Fix_OutputCancelled_OldReportKeptAndNoTempFileLeft()
    {
        using var dir = new TempDir();
        dir.Write("in/a.png", [1]);
        dir.Write("report.json", "old"u8.ToArray());

        var result = await CancelledWhileInspectingAsync(dir.Path, "fix", "in", "--output", "report.json");

        Assert.Equal(130, result.ExitCode);
        Assert.Equal("old", File.ReadAllText(dir.File("report.json")));
        Assert.Equal(["in", "report.json"], new DirectoryInfo(dir.Path).GetFileSystemInfos().Select(i => i.Name).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Fix_Deep_DamageOnlyDecodingFindsIsNotNeededQuickAndNeedsSalvageDeep()
    {
        using var dir = new TempDir();
        var damaged = TwoSecondMp4(dir);
        // Coded picture data flipped in three places; every box stays intact, so only decoding sees it.
        foreach (var at in new[] { 0.6, 0.7, 0.8 })
            for (var i = (int)(damaged.Length * at); i < (int)(damaged.Length * at) + 200; i++) damaged[i] ^= 0xFF;
        dir.Write("in/damaged.mp4", damaged);

        var quick = await FixJsonAsync(dir.Path, "in");
        var deep = await FixJsonAsync(dir.Path, "in", "--deep");

        Assert.Equal(0, quick.ExitCode);
        Assert.Equal("not_needed", FixOf(quick.Files, "damaged.mp4").GetProperty("status").GetString());
        AssertNeedsOption(deep, "damaged.mp4", "--salvage");
        Assert.Contains("decoding failed", FixOf(deep.Files, "damaged.mp4").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Fix_Terminal_ShowsProgressOnStderrAndClearsIt()
    {
        using var dir = Media();

        var result = await CliRunner.RunAsync(c => c with { WorkingDirectory = dir.Path, Interactive = true }, ["fix", "media"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("[2/2] ", result.Error);
        Assert.EndsWith("\r\u001b[2K", result.Error);
        Assert.DoesNotContain('\u001b', result.Out);
    }

    [Fact]
    public void OutputRelativePath_NeverLeavesTheOutFolder()
    {
        Assert.Equal("sub/a.mp4", Commands.FixOutputNames.OutputRelativePath("sub/a.mov", ".mp4"));
        Assert.Equal("a.mp4", Commands.FixOutputNames.OutputRelativePath("../../etc/a.mov", ".mp4"));
        Assert.Equal("a.mp4", Commands.FixOutputNames.OutputRelativePath("/abs/a.mov", ".mp4"));
        Assert.Equal("x/a.png", Commands.FixOutputNames.OutputRelativePath("./x/a.jpg", ".png"));
    }
}

internal static class FixCommandDefaults
{
    public const string Out = Commands.FixCommand.DefaultOut;
}
