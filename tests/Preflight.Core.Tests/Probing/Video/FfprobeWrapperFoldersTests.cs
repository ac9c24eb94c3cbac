using Preflight.Core.Probing.Video;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Probing.Video;

/// <summary>The private wrapper scripts that put ffprobe/ffmpeg under the shell's <c>ulimit -v</c>.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FfprobeWrapperFoldersTests
{
    // A limit no other test uses, so this class owns its folders.
    private const long Limit = 777L * 1024 * 1024;

    [Fact]
    public void For_SameConfiguration_SharesOnePrivateFolder()
    {
        var first = FfmpegWrapperFolders.For("/usr/bin/ffprobe", "/usr/bin/ffmpeg", Limit);
        var second = FfmpegWrapperFolders.For("/usr/bin/ffprobe", "/usr/bin/ffmpeg", Limit);
        var other = FfmpegWrapperFolders.For("/usr/bin/ffprobe", "/usr/bin/ffmpeg", Limit + 1);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(first));
    }

    [Fact]
    public void For_WritesExecWrapperUnderUlimit()
    {
        // Since issue 15: the shell's own ulimit (in KiB) instead of one more exec of prlimit.
        var folder = FfmpegWrapperFolders.For("/usr/bin/ffprobe", "/usr/bin/ffmpeg", Limit + 2);

        var script = File.ReadAllText(Path.Combine(folder, "ffprobe"));

        Assert.StartsWith("#!/bin/sh\n", script);
        Assert.Contains($"ulimit -v {Limit / 1024} || ", script);
        Assert.EndsWith("exec '/usr/bin/ffprobe' \"$@\"\n", script);
        Assert.DoesNotContain("prlimit", script);
        Assert.Contains($"ulimit -v {Limit / 1024} || ", File.ReadAllText(Path.Combine(folder, "ffmpeg")));
    }

    [Fact]
    public async Task Wrapper_CapReachesTheToolSoftAndHard_InWholeKiB()
    {
        // cat reading /proc/self/limits reports its own limits: the process the wrapper became.
        const long limit = Limit + 5 + 1000; // not a whole KiB: rounded down
        var folder = FfmpegWrapperFolders.For("/bin/cat", null, limit);
        using var work = new TempDir();

        var (exitCode, output) = await RunCapturingAsync(Path.Combine(folder, "ffprobe"), work.Path, "/proc/self/limits");

        Assert.Equal(0, exitCode);
        var bytes = (limit / 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var line = Assert.Single(output.Split('\n'), l => l.StartsWith("Max address space", StringComparison.Ordinal));
        Assert.Equal(["Max", "address", "space", bytes, bytes, "bytes"], line.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Wrapper_CapCannotBeSet_FailsLoudlyWithoutRunningTheTool()
    {
        // A parent whose hard limit is below the cap: ulimit cannot raise it, and the tool must not run uncapped.
        using var work = new TempDir();
        var marker = work.File("ran");
        var folder = FfmpegWrapperFolders.For("/usr/bin/touch", null, Limit + 6);
        var start = new System.Diagnostics.ProcessStartInfo("/bin/sh") { WorkingDirectory = work.Path, RedirectStandardError = true };
        foreach (var argument in new[] { "-c", "ulimit -v 300000; exec \"$0\" \"$@\"", Path.Combine(folder, "ffprobe"), marker })
            start.ArgumentList.Add(argument);

        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(126, process.ExitCode);
        Assert.Contains(FfmpegWrapperFolders.CapFailed, stderr);
        Assert.False(File.Exists(marker), "the tool ran without its cap");
    }

    [Fact]
    public async Task Wrapper_WritesThePidFileOnlyIntoAFolderPeakMemoryMarked()
    {
        // A tool started in the caller's folder (FFMpegCore does not always pass the working directory) must not
        // leave a .tool-pid there; a run's private folder, marked by PeakMemory.Watch, gets it.
        var folder = FfmpegWrapperFolders.For("/bin/true", null, 0);
        using var unmarked = new TempDir();
        using var marked = new TempDir();
        using (PeakMemory.Watch(marked.Path))
        {
            await RunAsync(Path.Combine(folder, "ffprobe"), unmarked.Path);
            await RunAsync(Path.Combine(folder, "ffprobe"), marked.Path);
        }

        Assert.False(File.Exists(Path.Combine(unmarked.Path, PeakMemory.PidFileName)));
        Assert.True(File.Exists(Path.Combine(marked.Path, PeakMemory.PidFileName)));
    }

    [Fact]
    public async Task Wrapper_VersionAloneIsAnsweredWithoutStartingTheTool_AnythingElseReachesIt()
    {
        // FFMpegCore runs "ffmpeg -version" once per process to learn whether the tool runs; the wrapper answers, and a
        // tool that cannot run fails its real run, which Preflight's own check then examines. /bin/false fails whatever
        // it is asked: it must not be run.
        var folder = FfmpegWrapperFolders.For(null, "/bin/false", 0);
        using var work = new TempDir();

        var version = await RunCapturingAsync(Path.Combine(folder, "ffmpeg"), work.Path, "-version");
        var other = await RunCapturingAsync(Path.Combine(folder, "ffmpeg"), work.Path, "-version", "-hide_banner");
        var input = await RunCapturingAsync(Path.Combine(folder, "ffmpeg"), work.Path, "-i", "x.mp4");

        Assert.Equal((0, "ffmpeg: checked by Preflight"), version);
        Assert.Equal(1, other.ExitCode);
        Assert.Equal(1, input.ExitCode);
    }

    private static async Task<(int ExitCode, string Out)> RunCapturingAsync(string script, string workingDirectory, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(script) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output.Trim());
    }

    private static async Task RunAsync(string script, string workingDirectory)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(script) { WorkingDirectory = workingDirectory })!;
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public void For_NoLimit_ExecsTheToolDirectly()
    {
        var folder = FfmpegWrapperFolders.For("/usr/bin/ffprobe", null, 0);

        var script = File.ReadAllText(Path.Combine(folder, "ffprobe"));

        Assert.Contains("exec '/usr/bin/ffprobe' \"$@\"", script);
        Assert.DoesNotContain("prlimit", script);
        Assert.DoesNotContain("ulimit", script);
        Assert.False(File.Exists(Path.Combine(folder, "ffmpeg")));
    }

    [Fact]
    public void For_FolderCleanedAway_IsRecreated()
    {
        var first = FfmpegWrapperFolders.For("/usr/bin/ffprobe", "/usr/bin/ffmpeg", Limit + 3);
        Directory.Delete(first, recursive: true);

        var second = FfmpegWrapperFolders.For("/usr/bin/ffprobe", "/usr/bin/ffmpeg", Limit + 3);

        Assert.NotEqual(first, second);
        Assert.True(File.Exists(Path.Combine(second, "ffprobe")));
    }

    [Fact]
    public void For_PathWithQuote_IsQuotedForTheShell()
    {
        var folder = FfmpegWrapperFolders.For("/opt/it's/ffprobe", null, Limit + 4);

        Assert.Contains("'/opt/it'\\''s/ffprobe'", File.ReadAllText(Path.Combine(folder, "ffprobe")));
    }
}
