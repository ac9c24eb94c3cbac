using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

/// <summary>
/// --output never replaces an input, and file system failures (full disk, symlink loops) are one-line setup errors
/// (exit 2), never a crash with a stack trace.
/// </summary>
public sealed class OutputSafetyTests
{
    private static Func<CliContext, CliContext> Fake(string workingDirectory) =>
        c => c with { WorkingDirectory = workingDirectory, InspectOverride = CliRunner.FakeEngine(_ => []) };

    [Fact]
    public async Task Check_OutputIsANamedInput_UsageErrorInputUntouched()
    {
        using var dir = new TempDir();
        dir.Write("victim/clip.png", [1, 2, 3]);

        var result = await CliRunner.RunAsync(Fake(dir.Path), ["check", "victim/clip.png", "--output", "victim/clip.png"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--output 'victim/clip.png' is one of the inputs", result.Error);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(dir.File("victim/clip.png")));
    }

    [Fact]
    public async Task Check_OutputIsAFileInAWalkedFolder_ItIsLeftOutSoEveryRunChecksTheSameFiles()
    {
        using var dir = new TempDir();
        dir.Write("g/a.png", [1]);

        // The report goes into the folder checked: the second run finds the first run's report there.
        var first = await CliRunner.RunAsync(Fake(dir.Path), ["check", "g", "--format", "json", "--output", "g/report.json"]);
        var second = await CliRunner.RunAsync(Fake(dir.Path), ["check", "g", "--format", "json", "--output", "g/report.json"]);

        Assert.Equal(first.ExitCode, second.ExitCode);
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(dir.File("g/report.json")));
        var paths = report.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()).ToList();
        Assert.Equal(["a.png"], paths);
    }

    [Fact]
    public async Task Check_OutputIsAnInputThroughASymlink_UsageError()
    {
        using var dir = new TempDir();
        dir.Write("g/a.png", [1]);
        File.CreateSymbolicLink(dir.File("alias.png"), dir.File("g/a.png"));

        var result = await CliRunner.RunAsync(Fake(dir.Path), ["check", "g", "--output", "alias.png"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal([1], File.ReadAllBytes(dir.File("g/a.png")));
    }

    [Fact]
    public async Task Fix_OutputIsANamedInput_UsageErrorInputUntouched()
    {
        using var dir = new TempDir();
        dir.Write("victim/clip.wav", TestMedia.Wav());
        var before = File.ReadAllBytes(dir.File("victim/clip.wav"));

        var result = await CliRunner.RunInAsync(dir.Path, "fix", "victim/clip.wav", "--out", "vout", "--output", "victim/clip.wav");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--output 'victim/clip.wav' is one of the inputs", result.Error);
        Assert.Equal(before, File.ReadAllBytes(dir.File("victim/clip.wav")));
    }

    /// <summary>Writing to /dev/full fails with ENOSPC, like a full disk; 'loop' is a symlink to itself.</summary>
    [Theory]
    [InlineData("preflight: cannot write the report to '/dev/full'", "--output", "/dev/full")]
    [InlineData("preflight: cannot use --cache 'loop'", "--cache", "loop")]
    public async Task Check_FileSystemFailure_OneLineSetupError(string expected, string option, string value)
    {
        if (value == "/dev/full" && !File.Exists(value)) return;
        using var dir = new TempDir();
        dir.Write("a.png", [1]);
        File.CreateSymbolicLink(dir.File("loop"), "loop");

        var result = await CliRunner.RunAsync(Fake(dir.Path), ["check", "a.png", option, value]);

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith(expected, result.Error);
        Assert.Single(result.ErrorLines);
        Assert.Equal(["a.png", "loop"], Directory.GetFileSystemEntries(dir.Path).Select(e => Path.GetFileName(e)!).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Job_SymlinkLoop_SetupError()
    {
        using var dir = new TempDir();
        File.CreateSymbolicLink(dir.File("loop"), "loop");

        var result = await CliRunner.RunInAsync(dir.Path, "job", "loop");

        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("preflight: loop: cannot read", result.Error);
        Assert.Single(result.ErrorLines);
    }
}
