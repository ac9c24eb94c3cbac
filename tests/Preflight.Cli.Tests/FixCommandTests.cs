using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

/// <summary><c>preflight fix</c> in-process against the real engine and the real ffmpeg.</summary>
public sealed class FixCommandTests
{
    private static void Ffmpeg(string output, string arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in $"-nostdin -v error -y {arguments}".Split(' ', StringSplitOptions.RemoveEmptyEntries)) start.ArgumentList.Add(a);
        start.ArgumentList.Add(output);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
    }

    /// <summary>media/sub/clip.mov (H.264/AAC: fixable by a remux) and media/ok.wav (passes).</summary>
    private static TempDir Media()
    {
        var dir = new TempDir();
        Ffmpeg(dir.File("media/sub/clip.mov"), "-f lavfi -i testsrc=size=160x120:rate=25 -f lavfi -i sine -t 0.5 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -c:a aac -shortest -f mov");
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

    [Fact]
    public async Task Fix_Cancelled_Exits130AndWritesNothing()
    {
        using var dir = new TempDir();
        dir.Write("in/a.png", [1]);
        using var cancellation = new CancellationTokenSource();

        var result = await CliRunner.RunAsync(
            c => c with
            {
                WorkingDirectory = dir.Path,
                InspectOverride = async (_, _, ct) =>
                {
                    await cancellation.CancelAsync();
                    await Task.Delay(Timeout.Infinite, ct);
                    throw new InvalidOperationException("unreachable");
                },
            },
            ["fix", "in"],
            cancellation.Token);

        Assert.Equal(130, result.ExitCode);
        Assert.Equal(["in"], new DirectoryInfo(dir.Path).GetFileSystemInfos().Select(i => i.Name).ToArray());
    }

    [Fact]
    public void OutputRelativePath_NeverLeavesTheOutFolder()
    {
        Assert.Equal("sub/a.mp4", Commands.FixCommand.OutputRelativePath("sub/a.mov", ".mp4"));
        Assert.Equal("a.mp4", Commands.FixCommand.OutputRelativePath("../../etc/a.mov", ".mp4"));
        Assert.Equal("a.mp4", Commands.FixCommand.OutputRelativePath("/abs/a.mov", ".mp4"));
        Assert.Equal("x/a.png", Commands.FixCommand.OutputRelativePath("./x/a.jpg", ".png"));
    }
}

internal static class FixCommandDefaults
{
    public const string Out = Commands.FixCommand.DefaultOut;
}
