using Preflight.Core.Probing;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

public sealed class CliAppTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public async Task Run_Help_ListsCommandsAndExitsZero(string flag)
    {
        var result = await CliRunner.RunAsync(flag);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage: preflight <command>", result.Out);
        Assert.Contains("  check ", result.Out);
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task Run_CheckHelp_ShowsTheInterfaceAndExitsZero()
    {
        var result = await CliRunner.RunAsync("check", "--help");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage: preflight check PATH... [--plan P] [--deep] [--format table|json|junit] [--output FILE] [--jobs N]", result.Out);
        Assert.Contains("free, pro, scale, enterprise", result.Out);
    }

    [Fact]
    public async Task Run_Version_PrintsToolVersion()
    {
        var result = await CliRunner.RunAsync("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"preflight {ToolInfo.Current.Version}\n", result.Out);
    }

    [Theory]
    [InlineData("no command given")]
    [InlineData("unknown command 'frobnicate'", "frobnicate")]
    [InlineData("missing PATH", "check")]
    [InlineData("missing PATH", "check", "--deep")]
    [InlineData("unknown option '--bogus'", "check", "x", "--bogus")]
    [InlineData("unknown plan 'gold'", "check", "x", "--plan", "gold")]
    [InlineData("bad --jobs '0'", "check", "x", "--jobs", "0")]
    [InlineData("bad --jobs '-3'", "check", "x", "--jobs=-3")]
    [InlineData("bad --jobs 'many'", "check", "x", "--jobs", "many")]
    [InlineData("bad --jobs '+2'", "check", "x", "--jobs", "+2")]
    [InlineData("unknown format 'xml'", "check", "x", "--format", "xml")]
    [InlineData("option '--output' needs a value", "check", "x", "--output")]
    public async Task Run_UsageError_OneLineWithHelpHintExitTwo(string expected, params string[] args)
    {
        var result = await CliRunner.RunAsync(args);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("preflight: " + expected, line);
        Assert.Contains("--help", line);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Run_MissingTool_OneLineWithInstallHintExitTwo()
    {
        using var dir = new TempDir();
        dir.Write("a.wav", TestMedia.Wav());
        var result = await CliRunner.RunAsync(
            c => c with { InspectOverride = (_, _, _) => throw new MissingToolException("ffprobe", "Install it with: sudo apt-get install ffmpeg") },
            ["check", dir.Path]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("preflight: ffprobe is not installed or cannot run. Install it with: sudo apt-get install ffmpeg\n", result.Error);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public async Task Run_Cancelled_ExitsOneThirtyAndLeavesNoPartialReport()
    {
        using var dir = new TempDir();
        dir.Write("in/a.png", [1]);
        using var cancellation = new CancellationTokenSource();
        var output = dir.File("report.json");

        var result = await CliRunner.RunAsync(
            c => c with
            {
                InspectOverride = async (_, _, ct) =>
                {
                    await cancellation.CancelAsync();
                    await Task.Delay(Timeout.Infinite, ct);
                    throw new InvalidOperationException("unreachable");
                },
            },
            ["check", dir.File("in"), "--output", output, "--format", "json"],
            cancellation.Token);

        Assert.Equal(130, result.ExitCode);
        Assert.Equal("preflight: cancelled\n", result.Error);
        Assert.Equal(["in"], new DirectoryInfo(dir.Path).GetFileSystemInfos().Select(i => i.Name).ToArray());
    }
}
