using System.Text.Json;
using System.Xml.Linq;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

/// <summary>
/// <c>preflight check</c> in-process against the real engine, with files whose verdict only the file rules decide
/// (unknown extension → format.unsupported, zero bytes → file.empty), or against a stand-in engine for pass cases.
/// </summary>
public sealed class CheckCommandTests
{
    private static TempDir FailingFolder()
    {
        var dir = new TempDir();
        dir.Write("media/notes.txt", "hello\n"u8.ToArray());
        dir.Write("media/a/empty.mp4", []);
        return dir;
    }

    [Fact]
    public async Task Check_FailingFiles_ExitsOne()
    {
        using var dir = FailingFolder();

        var result = await CliRunner.RunAsync("check", dir.File("media"));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task Check_AllPass_ExitsZero()
    {
        using var dir = new TempDir();
        dir.Write("a.png", [1, 2, 3]);
        dir.Write("b.png", [4]);

        var result = await CliRunner.RunAsync(c => c with { InspectOverride = CliRunner.FakeEngine(_ => []) }, ["check", dir.Path]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("2 files: 2 passed, 0 failed in ", result.Out);
    }

    [Fact]
    public async Task Check_OnlyWarnings_ExitsZero()
    {
        using var dir = new TempDir();
        dir.Write("a.png", [1]);

        var result = await CliRunner.RunAsync(
            c => c with { InspectOverride = CliRunner.FakeEngine(_ => [Finding.Warning(FindingCodes.VideoNotFaststart, "slow start")]) },
            ["check", dir.Path]);

        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public async Task Check_OneFailAmongPasses_ExitsOne()
    {
        using var dir = new TempDir();
        dir.Write("a.png", [1]);
        dir.Write("b.png", [1]);

        var result = await CliRunner.RunAsync(
            c => c with { InspectOverride = CliRunner.FakeEngine(p => p == "b.png" ? [Finding.Error(FindingCodes.FileCorrupt, "cut")] : []) },
            ["check", dir.Path]);

        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public async Task Check_NonexistentPath_ExitsTwo()
    {
        using var dir = new TempDir();

        var result = await CliRunner.RunInAsync(dir.Path, "check", "missing.mp4");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("preflight: no such file or folder: 'missing.mp4'\n", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Check_EmptyFolder_ExitsTwo()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("empty/sub"));

        var result = await CliRunner.RunInAsync(dir.Path, "check", "empty");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("preflight: no files found in 'empty'\n", result.Error);
    }

    [Theory]
    [InlineData("no-such-folder/report.json")]
    [InlineData(".")]
    public async Task Check_UnwritableOutput_ExitsTwoBeforeChecking(string output)
    {
        using var dir = FailingFolder();
        var inspected = 0;

        var result = await CliRunner.RunAsync(
            c => c with
            {
                WorkingDirectory = dir.Path,
                InspectOverride = (r, o, ct) => { Interlocked.Increment(ref inspected); return CliRunner.FakeEngine(_ => [])(r, o, ct); },
            },
            ["check", "media", "--output", output]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("preflight: cannot write the report to ", Assert.Single(result.ErrorLines));
        Assert.Equal(0, inspected);
    }

    [Fact]
    public async Task Check_Json_HasTheContractShape()
    {
        using var dir = FailingFolder();

        var result = await CliRunner.RunAsync("check", dir.File("media"), "--format", "json");

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal("preflight", root.GetProperty("tool").GetProperty("name").GetString());
        Assert.Equal(ToolInfo.Current.Version, root.GetProperty("tool").GetProperty("version").GetString());
        Assert.Equal("heygen", root.GetProperty("profile").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("plan").ValueKind);

        var summary = root.GetProperty("summary");
        Assert.Equal(2, summary.GetProperty("files").GetInt32());
        Assert.Equal(0, summary.GetProperty("passed").GetInt32());
        Assert.Equal(2, summary.GetProperty("failed").GetInt32());
        Assert.True(summary.GetProperty("durationMs").GetInt64() >= 0);

        var files = root.GetProperty("files").EnumerateArray().ToList();
        Assert.Equal(["a/empty.mp4", "notes.txt"], files.Select(f => f.GetProperty("path").GetString()!).ToArray());

        var empty = files[0];
        Assert.Equal("video", empty.GetProperty("kind").GetString());
        Assert.Equal("fail", empty.GetProperty("verdict").GetString());
        Assert.Equal(0, empty.GetProperty("sizeBytes").GetInt64());
        Assert.Contains(empty.GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("code").GetString() == FindingCodes.FileEmpty && f.GetProperty("severity").GetString() == "error");

        var notes = files[1];
        Assert.Equal("unknown", notes.GetProperty("kind").GetString());
        Assert.Equal("fail", notes.GetProperty("verdict").GetString());
        Assert.Equal(6, notes.GetProperty("sizeBytes").GetInt64());
        var sha = notes.GetProperty("sha256").GetString()!;
        Assert.Equal(64, sha.Length);
        Assert.True(sha.All(Uri.IsHexDigit));
        Assert.True(notes.GetProperty("detected").TryGetProperty("format", out _));
        var finding = Assert.Single(notes.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == FindingCodes.FormatUnsupported);
        Assert.Equal("error", finding.GetProperty("severity").GetString());
        Assert.False(string.IsNullOrEmpty(finding.GetProperty("message").GetString()));
    }

    [Theory]
    [InlineData("pro", "pro")]
    [InlineData("Enterprise", "enterprise")]
    public async Task Check_JsonWithPlan_ReportsThePlan(string given, string expected)
    {
        using var dir = FailingFolder();

        var result = await CliRunner.RunAsync("check", dir.File("media"), "--format=json", "--plan", given);

        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal(expected, json.RootElement.GetProperty("plan").GetString());
    }

    [Fact]
    public async Task Check_FileArgument_PathIsAsGiven()
    {
        using var dir = FailingFolder();

        var result = await CliRunner.RunInAsync(dir.Path, "check", "./media/notes.txt", "media/a", "--format", "json");

        using var json = JsonDocument.Parse(result.Out);
        var paths = json.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!).ToArray();
        Assert.Equal(["./media/notes.txt", "empty.mp4"], paths);
    }

    [Fact]
    public async Task Check_Folder_RecursesInOrdinalPathOrder()
    {
        using var dir = new TempDir();
        foreach (var name in new[] { "b/z.png", "a/y.png", "a.png", "B.png", "a/b/x.png", "a/b/.hidden.png" })
        {
            dir.Write("root/" + name, [1]);
        }

        var result = await CliRunner.RunAsync(c => c with { InspectOverride = CliRunner.FakeEngine(_ => []) },
            ["check", dir.File("root"), "--format", "json", "--jobs", "3"]);

        using var json = JsonDocument.Parse(result.Out);
        var paths = json.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!).ToArray();
        Assert.Equal(["B.png", "a.png", "a/b/.hidden.png", "a/b/x.png", "a/y.png", "b/z.png"], paths);
    }

    [Fact]
    public async Task Check_SymlinkLoop_ChecksEachFileOnceAndSaysSo()
    {
        using var dir = new TempDir();
        dir.Write("root/sub/a.png", [1]);
        Directory.CreateSymbolicLink(dir.File("root/sub/loop"), "..");
        dir.Write("outside/b.png", [1]);
        Directory.CreateSymbolicLink(dir.File("root/linked"), dir.File("outside"));

        var result = await CliRunner.RunAsync(c => c with { InspectOverride = CliRunner.FakeEngine(_ => []) },
            ["check", dir.File("root"), "--format", "json"]);

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var paths = json.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!).ToArray();
        Assert.Equal(["linked/b.png", "sub/a.png"], paths);
        Assert.Contains("not following", Assert.Single(result.ErrorLines));
        Assert.Contains("sub/loop", result.Error);
    }

    [Fact]
    public async Task Check_ParallelJobs_ReportsInInputOrder()
    {
        using var dir = new TempDir();
        dir.Write("1.png", [1]);
        dir.Write("2.png", [1]);
        var secondDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fake = CliRunner.FakeEngine(_ => []);

        // The first file finishes only after the second: the report must still list it first.
        var result = await CliRunner.RunAsync(
            c => c with
            {
                InspectOverride = async (r, o, ct) =>
                {
                    if (r.DisplayPath == "1.png") await secondDone.Task.WaitAsync(ct);
                    var report = await fake(r, o, ct);
                    if (r.DisplayPath == "2.png") secondDone.SetResult();
                    return report;
                },
            },
            ["check", dir.Path, "--jobs", "2", "--format", "json"]);

        using var json = JsonDocument.Parse(result.Out);
        var paths = json.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!).ToArray();
        Assert.Equal(["1.png", "2.png"], paths);
    }

    [Fact]
    public async Task Check_EngineThrows_FileFailsWithProbeFailedAndOthersAreChecked()
    {
        using var dir = new TempDir();
        dir.Write("bad.png", [1]);
        dir.Write("good.png", [1]);
        var fake = CliRunner.FakeEngine(_ => []);

        var result = await CliRunner.RunAsync(
            c => c with
            {
                InspectOverride = (r, o, ct) => r.DisplayPath == "bad.png" ? throw new InvalidDataException("boom") : fake(r, o, ct),
            },
            ["check", dir.Path, "--format", "json"]);

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var files = json.RootElement.GetProperty("files");
        Assert.Equal("image", files[0].GetProperty("kind").GetString());
        Assert.Equal(FindingCodes.ProbeFailed, files[0].GetProperty("findings")[0].GetProperty("code").GetString());
        Assert.Contains("boom", files[0].GetProperty("findings")[0].GetProperty("message").GetString());
        Assert.Equal("pass", files[1].GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Check_JUnit_OneTestCasePerFileOneFailurePerError()
    {
        using var dir = FailingFolder();

        var result = await CliRunner.RunAsync("check", dir.File("media"), "--format", "junit");

        Assert.Equal(1, result.ExitCode);
        var xml = XDocument.Parse(result.Out);
        var suite = Assert.Single(xml.Root!.Elements("testsuite"));
        Assert.Equal("testsuites", xml.Root.Name.LocalName);
        Assert.Equal("preflight", (string?)suite.Attribute("name"));
        Assert.Equal("2", (string?)suite.Attribute("tests"));
        Assert.Equal("2", (string?)suite.Attribute("failures"));
        Assert.NotNull(suite.Attribute("time"));

        var cases = suite.Elements("testcase").ToList();
        Assert.Equal(["a/empty.mp4", "notes.txt"], cases.Select(c => (string)c.Attribute("name")!).ToArray());
        Assert.Equal(["video", "unknown"], cases.Select(c => (string)c.Attribute("classname")!).ToArray());

        using var json = JsonDocument.Parse((await CliRunner.RunAsync("check", dir.File("media"), "--format", "json")).Out);
        var files = json.RootElement.GetProperty("files");
        for (var i = 0; i < cases.Count; i++)
        {
            var errorCodes = files[i].GetProperty("findings").EnumerateArray()
                .Where(f => f.GetProperty("severity").GetString() == "error")
                .Select(f => f.GetProperty("code").GetString()!)
                .ToArray();
            var failures = cases[i].Elements("failure").ToList();
            Assert.Equal(errorCodes, failures.Select(f => (string)f.Attribute("type")!).ToArray());
            Assert.All(failures, f => Assert.False(string.IsNullOrEmpty((string?)f.Attribute("message"))));
        }
    }

    [Fact]
    public async Task Check_Output_WritesTheReportThereAndNothingElse()
    {
        using var dir = FailingFolder();

        var result = await CliRunner.RunInAsync(dir.Path, "check", "media", "--format", "json", "--output", "report.json");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Out);
        Assert.Equal("", result.Error);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("report.json")));
        Assert.Equal(2, json.RootElement.GetProperty("summary").GetProperty("files").GetInt32());
        Assert.Equal(["media", "report.json"], new DirectoryInfo(dir.Path).GetFileSystemInfos().Select(i => i.Name).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Check_OutputExists_IsReplaced()
    {
        using var dir = FailingFolder();
        dir.Write("report.xml", "old"u8.ToArray());

        await CliRunner.RunInAsync(dir.Path, "check", "media", "--format", "junit", "--output", "report.xml");

        Assert.Equal("testsuites", XDocument.Load(dir.File("report.xml")).Root!.Name.LocalName);
    }

    [Fact]
    public async Task Check_Table_HasRowsAndSummaryAndNoControlCodes()
    {
        using var dir = FailingFolder();

        var result = await CliRunner.RunAsync("check", dir.File("media"));

        Assert.Equal(1, result.ExitCode);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("PATH ", lines[0]);
        Assert.StartsWith("a/empty.mp4 ", lines[1]);
        Assert.Contains(FindingCodes.FileEmpty, lines[1]);
        Assert.StartsWith("notes.txt ", lines[2]);
        Assert.Contains(FindingCodes.FormatUnsupported, lines[2]);
        Assert.StartsWith("2 files: 0 passed, 2 failed in ", lines[^1]);
        Assert.DoesNotContain('\u001b', result.Out);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task Check_Terminal_ShowsProgressOnStderrAndClearsIt()
    {
        using var dir = FailingFolder();

        var result = await CliRunner.RunAsync(c => c with { Interactive = true, Color = true }, ["check", dir.File("media")]);

        Assert.Contains("[2/2] ", result.Error);
        Assert.EndsWith("\r\u001b[2K", result.Error);
        Assert.Contains("\u001b[31mfail\u001b[0m", result.Out);
    }

    [Fact]
    public async Task Check_RealEngineWithoutFfmpeg_DeepSaysWhatToInstallExitTwo()
    {
        using var dir = new TempDir();
        var noTools = Directory.CreateDirectory(dir.File("no-tools")).FullName;
        dir.Write("in/tone.wav", TestMedia.Wav());

        var result = await CliRunner.RunAsync("check", dir.File("in"), "--deep", "--Preflight:MediaTools:BinaryFolder=" + noTools);

        AssertSaysWhatToInstall(result);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Check_RealEngineFfmpegFoundButCannotRun_DeepSaysWhatToInstallExitTwo()
    {
        // Found, so no '-version' runs first: the failed decode is what has the tool checked, with the same answer.
        using var dir = new TempDir();
        var broken = Directory.CreateDirectory(dir.File("broken-bin")).FullName;
        foreach (var tool in new[] { "ffprobe", "ffmpeg" })
        {
            var path = Path.Combine(broken, tool);
            File.WriteAllText(path, $"#!/bin/sh\necho '{tool}: error while loading shared libraries: libavcodec.so.59: cannot open shared object file' >&2\nexit 127\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        dir.Write("in/tone.wav", TestMedia.Wav());

        var result = await CliRunner.RunAsync("check", dir.File("in"), "--deep", "--Preflight:MediaTools:BinaryFolder=" + broken);

        AssertSaysWhatToInstall(result);
    }

    private static void AssertSaysWhatToInstall(CliResult result)
    {
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.Matches("^preflight: ff(probe|mpeg) is not installed or cannot run\\. .*apt-get install ffmpeg", line);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Check_NamedPipe_FailsUnreadWithoutHanging()
    {
        using var dir = new TempDir();
        dir.Write("in/a.png", [1]);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [dir.File("in/pipe.mp4")]))
        {
            await mkfifo.WaitForExitAsync();
            Assert.Equal(0, mkfifo.ExitCode);
        }
        var fake = CliRunner.FakeEngine(_ => []);

        var result = await CliRunner.RunAsync(
            c => c with { InspectOverride = (r, o, ct) => r.DisplayPath == "pipe.mp4" ? throw new InvalidOperationException("opened the pipe") : fake(r, o, ct) },
            ["check", dir.File("in"), "--format", "json"]);

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var pipe = json.RootElement.GetProperty("files")[1];
        Assert.Equal("pipe.mp4", pipe.GetProperty("path").GetString());
        Assert.Equal("video", pipe.GetProperty("kind").GetString());
        Assert.Equal(FindingCodes.FileUnreadable, pipe.GetProperty("findings")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Check_CharacterDevice_FailsUnreadWithoutReadingIt()
    {
        if (!File.Exists("/dev/zero")) return;
        using var dir = new TempDir();
        dir.Write("in/a.png", [1]);
        File.CreateSymbolicLink(dir.File("in/zero.mp4"), "/dev/zero");
        var fake = CliRunner.FakeEngine(_ => []);

        var result = await CliRunner.RunAsync(
            c => c with { InspectOverride = (r, o, ct) => r.FilePath.EndsWith("zero", StringComparison.Ordinal) || r.DisplayPath == "zero.mp4" ? throw new InvalidOperationException("read the device") : fake(r, o, ct) },
            ["check", dir.File("in"), "/dev/zero", "--format", "json"]).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(1, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var files = json.RootElement.GetProperty("files");
        Assert.Equal(3, files.GetArrayLength());
        foreach (var device in new[] { files[1], files[2] })
        {
            Assert.Equal(FindingCodes.FileUnreadable, device.GetProperty("findings")[0].GetProperty("code").GetString());
            Assert.Contains("not a regular file", device.GetProperty("findings")[0].GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Check_ValidWav_Passes()
    {
        using var dir = new TempDir();
        dir.Write("tone.wav", TestMedia.Wav());

        var result = await CliRunner.RunAsync("check", dir.Path, "--format", "json");

        using var json = JsonDocument.Parse(result.Out);
        var file = json.RootElement.GetProperty("files")[0];
        Assert.Equal("audio", file.GetProperty("kind").GetString());
        Assert.Equal("wav", file.GetProperty("detected").GetProperty("format").GetString());
        Assert.Equal("pass", file.GetProperty("verdict").GetString());
        Assert.Equal(0, result.ExitCode);
    }
}
