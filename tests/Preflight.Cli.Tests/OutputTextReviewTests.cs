using System.Text;
using Preflight.Cli.Check;
using Preflight.Core.Reports.Writers;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

/// <summary>
/// The live progress line and the watch lines print file names found on disk: a name must not drive the terminal,
/// reorder the line (bidi controls) or make the progress line wrap (a wrapped line is not erased by the next redraw).
/// </summary>
public sealed class OutputTextReviewTests
{
    /// <summary>What ProgressLine takes as the terminal's width (80 when there is no terminal).</summary>
    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth > 10 ? Console.WindowWidth : 80;
        }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return 80;
        }
    }

    /// <summary>The text of each redraw: what follows "\r ESC[2K".</summary>
    private static List<string> Drawn(string output) =>
        output.Split("\r\u001b[2K").Where(s => s.Length > 0).ToList();

    [Fact]
    public void Progress_BidiAndControlCharacters_AreShownAsQuestionMarks()
    {
        var error = new StringWriter();
        var progress = new ProgressLine(error, enabled: true, total: 1);

        progress.Completed("a\u202Egpj.exe\u001b[2J\u2066b");

        var line = Assert.Single(Drawn(error.ToString()));
        Assert.Equal("[1/1] a?gpj.exe?[2J?b", line);
    }

    [Fact]
    public void Progress_WideCharacters_CutToTheTerminalWidthSoTheLineNeverWraps()
    {
        var error = new StringWriter();
        var progress = new ProgressLine(error, enabled: true, total: 1);

        progress.Completed("folder/" + new string('\u754C', 200) + ".mp4");

        var line = Assert.Single(Drawn(error.ToString()));
        Assert.StartsWith("[1/1] folder/\u754C", line);
        Assert.True(ReportText.DisplayWidth(line) <= TerminalWidth() - 1, $"{ReportText.DisplayWidth(line)} columns: {line}");
    }

    [Fact]
    public void Progress_CutBetweenASurrogatePair_LeavesNoHalfCharacter()
    {
        var error = new StringWriter();
        var progress = new ProgressLine(error, enabled: true, total: 1);

        // Emoji (two columns, two UTF-16 units each) from the first column on: wherever the cut falls, never half of one.
        progress.Completed(string.Concat(Enumerable.Repeat("\uD83D\uDE00", 100)));

        var line = Assert.Single(Drawn(error.ToString()));
        Assert.False(char.IsHighSurrogate(line[^1]), "the line ends with half a character");
        Assert.True(ReportText.DisplayWidth(line) <= TerminalWidth() - 1);
    }

    [Fact]
    public async Task WatchTable_BidiOverrideInAName_IsNotPrinted()
    {
        using var dir = new TempDir();
        var output = new StringWriter();
        var error = new StringWriter();
        using var stop = new CancellationTokenSource();
        var context = CliContext.Create(TextWriter.Synchronized(output), TextWriter.Synchronized(error));
        var run = Task.Run(() => CliApp.RunAsync(["check", "--watch", dir.Path, "--format", "table", "--no-cache", "--settle", "200ms"], context, stop.Token));
        try
        {
            dir.Write("clip\u202Evaw.mp4", TestMedia.Wav(seconds: 0.2));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!output.ToString().Contains('\n') && DateTime.UtcNow < deadline && !run.IsCompleted) await Task.Delay(50);

            var line = output.ToString().Split('\n')[0];
            Assert.Contains("clip?vaw.mp4", line);
            Assert.DoesNotContain('\u202E', line);
        }
        finally
        {
            await stop.CancelAsync();
            await run.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    [Fact]
    public async Task JobTable_EscapeSequenceInTheJobFile_IsNotPrinted()
    {
        // A finding quotes the job file's own value: the table shows it, the terminal is not driven by it.
        using var dir = new TempDir();
        var job = dir.Write("job.json", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
        {
            endpoint = "video/generate",
            plan = "pro",
            request = new { video_inputs = new[] { new { character = new { type = "avatar", avatar_id = "a" }, voice = new { type = "x\u001b[2J\u202Ey" } } } },
        }));

        var result = await CliRunner.RunAsync("job", job);

        Assert.Contains("voice.type 'x?[2J?y'", result.Out);
        Assert.DoesNotContain('\u001b', result.Out);
        Assert.DoesNotContain('\u202E', result.Out);
    }

    [Fact]
    public async Task UsageAndSetupErrors_EscapeSequenceInAnArgument_IsNotPrinted()
    {
        var unknownOption = await CliRunner.RunAsync("check", "--x\u001b[2J");
        var missingProfile = await CliRunner.RunAsync("check", "--profile", "/nowhere/\u001b]0;owned\u0007.json", RepoPaths.TestData);

        Assert.Equal(ExitCodes.UsageOrSetup, unknownOption.ExitCode);
        Assert.Equal(ExitCodes.UsageOrSetup, missingProfile.ExitCode);
        Assert.DoesNotContain('\u001b', unknownOption.Error + missingProfile.Error);
        Assert.DoesNotContain('\u0007', missingProfile.Error);
        Assert.Contains("?[2J", unknownOption.Error);
    }
}
