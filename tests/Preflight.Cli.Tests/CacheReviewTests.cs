using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Preflight.Cli.Check;
using Preflight.Core.Inspection;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

/// <summary>Review of the verdict cache and the stored answer: a cached answer describes the bytes and arguments of this run.</summary>
public sealed class CacheReviewTests
{
    private static Task<CliResult> CheckIn(string workingDirectory, TempDir cache, params string[] args) =>
        CliRunner.RunAsync(c => c with { CacheFolder = cache.Path, WorkingDirectory = workingDirectory }, ["check", .. args]);

    private static string WithoutRunFacts(string text) =>
        Regex.Replace(
            Regex.Replace(text.Replace(",\n      \"cached\": true", "", StringComparison.Ordinal), "\"durationMs\": \\d+", "\"durationMs\": 0"),
            " in \\d+(\\.\\d)? m?s\n", " in 0 ms\n");

    [Theory]
    [InlineData("json")]
    [InlineData("table")]
    public async Task Replay_SameFileGivenAnotherWay_ReportShowsThePathAsGivenThisTime(string format)
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        using var fresh = new TempDir();
        var path = files.Write("a.wav", TestMedia.Wav());
        await Task.Delay(ReportReplay.FineMargin * 3);

        await CheckIn(files.Path, cache, "a.wav", "--format", format);
        await CheckIn(files.Path, cache, "a.wav", "--format", format);
        var absolute = await CheckIn(files.Path, cache, path, "--format", format);
        var expected = await CheckIn(files.Path, fresh, path, "--format", format);

        Assert.Contains(path, expected.Out, StringComparison.Ordinal);
        Assert.Equal(WithoutRunFacts(expected.Out), WithoutRunFacts(absolute.Out));
    }

    [Fact]
    public async Task Cache_IndexWithoutFiles_IsAMissNotACrash()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        files.Write("a.wav", TestMedia.Wav());
        await CheckIn(files.Path, cache, files.Path, "--format", "json");
        foreach (var index in Directory.GetFiles(Path.Combine(cache.Path, "v2", "paths"), "*.json"))
        {
            var node = JsonNode.Parse(File.ReadAllText(index))!;
            var key = node.AsObject().Select(p => p.Key).Single(k => k.Equals("files", StringComparison.OrdinalIgnoreCase));
            node[key] = null;
            File.WriteAllText(index, node.ToJsonString());
        }
        foreach (var replay in Directory.GetFiles(Path.Combine(cache.Path, "v2", "paths"), "*.replay")) File.Delete(replay);

        var again = await CheckIn(files.Path, cache, files.Path, "--format", "json");

        Assert.Equal(0, again.ExitCode);
        Assert.Contains("\"verdict\": \"pass\"", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_OutputIsTheCheckedFile_UsageErrorAndTheFileKept()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        var path = files.Write("a.wav", TestMedia.Wav());
        var bytes = File.ReadAllBytes(path);
        await Task.Delay(ReportReplay.FineMargin * 3);

        await CheckIn(files.Path, cache, "a.wav", "--format", "json");
        await CheckIn(files.Path, cache, "a.wav", "--format", "json");
        var onto = await CheckIn(files.Path, cache, "a.wav", "--format", "json", "--output", "a.wav");

        Assert.Equal(2, onto.ExitCode);
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task Replay_OutputInsideTheCheckedFolder_ReportLeavesItOutAsAFreshRunDoes()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        using var fresh = new TempDir();
        files.Write("media/a.wav", TestMedia.Wav());
        files.Write("media/report.json", TestMedia.Wav());
        await Task.Delay(ReportReplay.FineMargin * 3);

        await CheckIn(files.Path, cache, "media", "--format", "json");
        await CheckIn(files.Path, cache, "media", "--format", "json");
        var replayed = await CheckIn(files.Path, cache, "media", "--format", "json", "--output", "media/report.json");
        var replayedReport = File.ReadAllText(files.File("media/report.json"));
        var expected = await CheckIn(files.Path, fresh, "media", "--format", "json", "--output", "media/report.json");

        Assert.Equal(expected.ExitCode, replayed.ExitCode);
        Assert.DoesNotContain("report.json", replayedReport, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cache_ReportEntryWithoutFindings_IsAMissNotACrash()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        files.Write("a.wav", TestMedia.Wav());
        var cold = await CheckIn(files.Path, cache, files.Path, "--format", "json");
        foreach (var entry in Directory.GetFiles(Path.Combine(cache.Path, "v2", "reports"), "*.json", SearchOption.AllDirectories))
        {
            var node = JsonNode.Parse(File.ReadAllText(entry))!;
            node["findings"] = null;
            File.WriteAllText(entry, node.ToJsonString());
        }
        foreach (var replay in Directory.GetFiles(Path.Combine(cache.Path, "v2", "paths"), "*.replay")) File.Delete(replay);

        var again = await CheckIn(files.Path, cache, files.Path, "--format", "json");

        Assert.Equal(cold.ExitCode, again.ExitCode);
        Assert.Equal(WithoutRunFacts(cold.Out), WithoutRunFacts(again.Out));
    }

    [Fact]
    public async Task Cache_RememberedProfileWithoutPlans_IsAMissNotACrash()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        files.Write("a.wav", TestMedia.Wav());
        var cold = await CheckIn(files.Path, cache, files.Path, "--format", "json", "--plan", "free");
        foreach (var entry in Directory.GetFiles(Path.Combine(cache.Path, "v2", "profiles"), "*.json"))
        {
            var node = JsonNode.Parse(File.ReadAllText(entry))!;
            foreach (var (key, _) in node["profile"]!.AsObject().ToList())
                if (key != "name" && key != "digest") node["profile"]![key] = null;
            File.WriteAllText(entry, node.ToJsonString());
        }
        foreach (var replay in Directory.GetFiles(Path.Combine(cache.Path, "v2", "paths"), "*.replay")) File.Delete(replay);

        var again = await CheckIn(files.Path, cache, files.Path, "--format", "json", "--plan", "free");

        Assert.Equal(cold.ExitCode, again.ExitCode);
        Assert.Equal(WithoutRunFacts(cold.Out), WithoutRunFacts(again.Out));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cache_ReportEntryOfOtherBytes_IsAMissNotTheirVerdict(bool indexKnown)
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        files.Write("a/x.wav", TestMedia.Wav());
        files.Write("b/x.wav", [1, 2, 3, 4]);
        var cold = await CheckIn(files.Path, cache, files.Path, "--format", "json");
        var entries = Directory.GetFiles(Path.Combine(cache.Path, "v2", "reports"), "*.json", SearchOption.AllDirectories);
        Assert.Equal(2, entries.Length);
        var first = File.ReadAllBytes(entries[0]);
        File.WriteAllBytes(entries[0], File.ReadAllBytes(entries[1]));
        File.WriteAllBytes(entries[1], first);
        foreach (var stored in Directory.GetFiles(Path.Combine(cache.Path, "v2", "paths")))
            if (!indexKnown || stored.EndsWith(".replay", StringComparison.Ordinal)) File.Delete(stored);

        var again = await CheckIn(files.Path, cache, files.Path, "--format", "json");

        Assert.Equal(1, cold.ExitCode);
        Assert.Equal(cold.ExitCode, again.ExitCode);
        Assert.Equal(WithoutRunFacts(cold.Out), WithoutRunFacts(again.Out));
    }
}
