using System.Text.Json;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

/// <summary>The built CLI as a real process: what scripts see (exit code, JSON on standard output).</summary>
public sealed class ProcessTests
{
    [Fact]
    public async Task Preflight_RealProcess_ExitCodeAndJsonOnStdout()
    {
        using var dir = new TempDir();
        dir.Write("media/notes.txt", "hello\n"u8.ToArray());
        dir.Write("media/sub/empty.png", []);

        var (code, stdout, stderr) = await RunAsync(dir.Path, "check", "media", "--format", "json", "--jobs", "2");

        Assert.True(code == 1, $"exit {code}; stderr: {stderr}");
        Assert.Equal("", stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("preflight", json.RootElement.GetProperty("tool").GetProperty("name").GetString());
        var paths = json.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()).ToArray();
        Assert.Equal(new[] { "notes.txt", "sub/empty.png" }, paths);
    }

    [Fact]
    public async Task Preflight_RealProcessUsageError_ExitTwoOneLine()
    {
        using var dir = new TempDir();

        var (code, stdout, stderr) = await RunAsync(dir.Path, "check", "--plan", "gold", "x");

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal("preflight: unknown plan 'gold': use one of free, pro, scale, enterprise. See 'preflight check --help'.\n", stderr);
    }

    private static Task<(int Code, string Stdout, string Stderr)> RunAsync(string workingDirectory, params string[] args) =>
        RunAsync(workingDirectory, new Dictionary<string, string?>(), args);

    /// <summary>Runs the built CLI with <paramref name="environment"/> added to (or, for null values, removed from) its environment.</summary>
    internal static async Task<(int Code, string Stdout, string Stderr)> RunAsync(
        string workingDirectory, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        // The CLI project is referenced, so its entry assembly sits next to this test assembly.
        Assert.True(File.Exists(CliBuild.JitDll), "preflight.dll not found next to the tests: " + CliBuild.JitDll);
        var (code, stdout, stderr) = await CliBuild.Jit.RunAsync(workingDirectory, environment, args);
        return (code, stdout, stderr);
    }
}
