using System.Text.Json;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

public sealed class StageOptionTests : IDisposable
{
    private readonly TempDir _temp = new();

    [Fact]
    public async Task Check_StageWithoutConnectionString_CopiesPassingFilesToLocalStoreOnly()
    {
        var folder = _temp.File("in");
        Directory.CreateDirectory(folder);
        File.Copy(RepoPaths.TestFile("valid", "image-160x90.png"), Path.Combine(folder, "ok.png"));
        File.Copy(RepoPaths.TestFile("mislabeled", "png-named.jpg"), Path.Combine(folder, "bad.jpg"));
        var store = _temp.File("staged");

        // The settings as --Section:Key=value arguments, not process-wide environment variables, which every test running
        // at the same time would read (and which change the configuration digest of ConfigurationSourcesTests' runs).
        var result = await CliRunner.RunAsync("check", folder, "--stage", "--format", "json",
            "--Preflight:Staging:LocalPath=" + store, "--Preflight:PublicBaseUrl=http://127.0.0.1:9999");

        using var json = JsonDocument.Parse(result.Out);
        var files = json.RootElement.GetProperty("files").EnumerateArray().ToDictionary(f => f.GetProperty("path").GetString()!);
        Assert.False(files["bad.jpg"].TryGetProperty("staged", out _));
        var staged = files["ok.png"].GetProperty("staged");
        var name = staged.GetProperty("blobName").GetString()!;
        Assert.Equal(files["ok.png"].GetProperty("sha256").GetString() + ".png", name);
        Assert.Equal($"http://127.0.0.1:9999/staged/{name}", staged.GetProperty("url").GetString());
        Assert.Equal([name], Directory.GetFiles(store).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Check_ConnectionStringWithoutStage_IsAUsageError()
    {
        var result = await CliRunner.RunAsync("check", RepoPaths.TestFile("valid"), "--staging-connection-string", "UseDevelopmentStorage=true");
        Assert.Equal(ExitCodes.UsageOrSetup, result.ExitCode);
        Assert.Contains("--stage", result.Error);
    }

    [Fact]
    public async Task Worker_NoConnectionString_ExitsTwoWithOneLine()
    {
        var result = await CliRunner.RunAsync("worker");
        Assert.Equal(ExitCodes.UsageOrSetup, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.Contains("ConnectionString", result.Error);
    }

    public void Dispose() => _temp.Dispose();
}

public sealed class OutputDeviceTests
{
    [Fact]
    public async Task Check_OutputDevNull_WritesThroughAndLeavesTheDeviceAlone()
    {
        var result = await CliRunner.RunAsync("check", RepoPaths.TestFile("valid", "image-160x90.png"), "--format", "json", "--output", "/dev/null");

        Assert.Equal(ExitCodes.Pass, result.ExitCode);
        Assert.Equal(0, new FileInfo("/dev/null").Length);
        Assert.Empty(Directory.GetFiles("/dev", ".null.*.tmp"));
        // Still the character device: writing to it swallows the bytes instead of growing a file.
        await File.WriteAllTextAsync("/dev/null", "x");
        Assert.Equal(0, new FileInfo("/dev/null").Length);
    }
}
