using System.Text.RegularExpressions;
using Preflight.Cli.Check;
using Preflight.Core.Reports;
using Preflight.Core.Reports.Writers;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

/// <summary>
/// The stored answer of <c>check</c> (<see cref="ReportReplay"/>): an unchanged folder gets the report answering every
/// file from the verdict cache would give, byte for byte apart from the duration, and any change means it is not used.
/// </summary>
public sealed class ReportReplayTests
{
    private static readonly string[] Samples =
        ["valid/image-320x180.jpg", "valid/audio-64kbps-mono.mp3", "valid/warning-not-faststart.mp4", "mislabeled/png-named.jpg"];

    /// <summary>The samples and a nested WAV, settled (a more recent status is never relied on).</summary>
    private static async Task<TempDir> Folder()
    {
        var files = Fresh();
        await Task.Delay(Settle);
        return files;
    }

    // Three times the wait for statuses with sub-second times (this machine's file systems stamp them).
    private static readonly TimeSpan Settle = ReportReplay.FineMargin * 3;

    private static TempDir Fresh()
    {
        var files = new TempDir();
        foreach (var name in Samples)
            files.Write(name, File.ReadAllBytes(RepoPaths.TestFile(name.Split('/'))));
        files.Write("nested/deeper/a.wav", TestMedia.Wav());
        return files;
    }

    private static Task<CliResult> Check(TempDir cache, params string[] args) =>
        CliRunner.RunAsync(c => c with { CacheFolder = cache.Path }, ["check", .. args]);

    private static string[] Replays(TempDir cache) =>
        Directory.GetFiles(Path.Combine(cache.Path, "v2", "paths"), "*.replay");

    private static void DeleteReplays(TempDir cache)
    {
        foreach (var replay in Replays(cache)) File.Delete(replay);
    }

    /// <summary>The duration in each format's words, set to zero: the one thing two answers may differ in.</summary>
    private static string WithoutDuration(string text) =>
        Regex.Replace(
            Regex.Replace(
                Regex.Replace(text, "\"durationMs\": \\d+", "\"durationMs\": 0"),
                " in \\d+(\\.\\d)? m?s\n", " in 0 ms\n"),
            "time=\"[0-9.]+\"", "time=\"0\"");

    [Theory]
    [InlineData("json")]
    [InlineData("table")]
    [InlineData("junit")]
    public async Task Replay_UnchangedFolder_SameAsAnsweringEachFileFromTheCache(string format)
    {
        using var files = await Folder();
        using var cache = new TempDir();

        var reports = Path.Combine(cache.Path, "v2", "reports");

        var cold = await Check(cache, files.Path, "--format", format);
        // Answered with the per-file reports out of the way: only the stored answer can give the cached report.
        Directory.Move(reports, reports + ".aside");
        var builds = 0;
        var replayed = await CliRunner.RunAsync(
            c => c with { CacheFolder = cache.Path, EngineBuilt = () => Interlocked.Increment(ref builds) }, ["check", files.Path, "--format", format]);
        // Opening the cache made the folder again (empty): the replay read nothing from it.
        Assert.Empty(Directory.GetFileSystemEntries(reports));
        Directory.Delete(reports);
        Directory.Move(reports + ".aside", reports);
        DeleteReplays(cache);
        var recalled = await Check(cache, files.Path, "--format", format);

        Assert.Equal(0, builds);
        Assert.Equal(1, cold.ExitCode);
        Assert.Equal(cold.ExitCode, replayed.ExitCode);
        Assert.Equal(recalled.ExitCode, replayed.ExitCode);
        Assert.Equal(WithoutDuration(recalled.Out), WithoutDuration(replayed.Out));
        Assert.Single(Replays(cache));
    }

    [Fact]
    public async Task Replay_UnchangedFolder_NeedsNoStoredReport()
    {
        using var files = await Folder();
        using var cache = new TempDir();

        var cold = await Check(cache, files.Path, "--format", "json");
        // Without the per-file reports, only the stored answer can say every entry is cached.
        Directory.Delete(Path.Combine(cache.Path, "v2", "reports"), recursive: true);
        var replayed = await Check(cache, files.Path, "--format", "json");

        Assert.Equal(Samples.Length + 1, Regex.Count(replayed.Out, "\"cached\": true"));
        Assert.Equal(
            WithoutDuration(cold.Out),
            WithoutDuration(replayed.Out).Replace(",\n      \"cached\": true", "", StringComparison.Ordinal));
    }

    public static TheoryData<string> Changes => ["rewritten", "added", "removed", "renamed", "touched"];

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task Replay_AnyChange_NotUsedAndTheReportIsTheFreshOne(string change)
    {
        using var files = await Folder();
        using var cache = new TempDir();
        await Check(cache, files.Path, "--format", "json");
        Directory.Delete(Path.Combine(cache.Path, "v2", "reports"), recursive: true);

        var wav = files.File("nested/deeper/a.wav");
        switch (change)
        {
            case "rewritten": File.WriteAllBytes(wav, TestMedia.Wav(seconds: 0.2)); break;
            case "added": files.Write("nested/b.wav", TestMedia.Wav()); break;
            case "removed": File.Delete(wav); break;
            case "renamed": File.Move(wav, files.File("nested/deeper/z.wav")); break;
            // Same bytes, same size, same modification time: only the change time says it was written.
            case "touched":
                var modified = File.GetLastWriteTimeUtc(wav);
                File.WriteAllBytes(wav, File.ReadAllBytes(wav));
                File.SetLastWriteTimeUtc(wav, modified);
                break;
        }
        var afterChange = await Check(cache, files.Path, "--format", "json");
        using var noCache = new TempDir();
        var fresh = await CliRunner.RunAsync(["check", files.Path, "--format", "json", "--no-cache"]);

        // The stored reports are gone, so nothing can come from the cache: a replay would say "cached".
        Assert.DoesNotContain("\"cached\"", afterChange.Out, StringComparison.Ordinal);
        Assert.Equal(WithoutDuration(fresh.Out), WithoutDuration(afterChange.Out));
        Assert.Equal(fresh.ExitCode, afterChange.ExitCode);
    }

    [Theory]
    [InlineData("--plan", "free")]
    [InlineData("--format", "table")]
    [InlineData("--deep", null)]
    public async Task Replay_OtherScopeOrFormat_NotUsed(string option, string? value)
    {
        using var files = await Folder();
        using var cache = new TempDir();
        await Check(cache, files.Path, "--format", "json");

        string[] other = value is null ? [files.Path, "--format", "json", option] : [files.Path, .. (option == "--format" ? [] : new[] { "--format", "json" }), option, value];
        using var separate = new TempDir();
        var expected = await Check(separate, other);
        var answered = await Check(cache, other);

        Assert.Equal(WithoutDuration(expected.Out), WithoutDuration(answered.Out));
        Assert.Equal(expected.ExitCode, answered.ExitCode);
    }

    [Fact]
    public async Task Replay_OutputFile_WrittenWholeAndAtomically()
    {
        using var files = await Folder();
        using var cache = new TempDir();
        using var outputs = new TempDir();
        // The same --output file: a stored answer is for the output it was written to (see ReplayIdentity).
        await Check(cache, files.Path, "--format", "json", "--output", outputs.File("report.json"));
        var first = File.ReadAllText(outputs.File("report.json"));
        Directory.Delete(Path.Combine(cache.Path, "v2", "reports"), recursive: true);

        var replayed = await Check(cache, files.Path, "--format", "json", "--output", outputs.File("report.json"));

        Assert.Equal(1, replayed.ExitCode);
        Assert.Equal("", replayed.Out);
        Assert.Equal(
            WithoutDuration(first),
            WithoutDuration(File.ReadAllText(outputs.File("report.json"))).Replace(",\n      \"cached\": true", "", StringComparison.Ordinal));
        // Without the per-file reports, only the stored answer can say an entry is cached.
        Assert.Contains("\"cached\": true", File.ReadAllText(outputs.File("report.json")), StringComparison.Ordinal);
        Assert.Equal(["report.json"], Directory.GetFiles(outputs.Path).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("garbage")]
    [InlineData("longer")]
    public async Task Replay_DamagedEntry_IgnoredNeverHalfWritten(string damage)
    {
        using var files = await Folder();
        using var cache = new TempDir();
        var cold = await Check(cache, files.Path, "--format", "json");
        var replay = Assert.Single(Replays(cache));
        var bytes = File.ReadAllBytes(replay);
        File.WriteAllBytes(replay, damage switch
        {
            "truncated" => bytes[..^100],
            "garbage" => [.. bytes[..12], .. Enumerable.Repeat((byte)0xFF, bytes.Length - 12)],
            _ => [.. bytes, (byte)'x'],
        });

        var answered = await Check(cache, files.Path, "--format", "json");

        Assert.Equal(cold.ExitCode, answered.ExitCode);
        Assert.Equal(
            WithoutDuration(cold.Out),
            WithoutDuration(answered.Out).Replace(",\n      \"cached\": true", "", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(299)]
    [InlineData(300)]
    [InlineData(599)]
    public async Task Replay_ManyFiles_StatusesCheckedInTwoHalves_ChangeAnywhereSeen(int changed)
    {
        // Enough files for the statuses to be checked on two threads, half each: a change on either side of the cut counts.
        using var files = new TempDir();
        using var cache = new TempDir();
        var wav = TestMedia.Wav();
        var paths = Enumerable.Range(0, 600).Select(i => files.Write($"d{i / 100}/f{i:D3}.wav", wav)).ToArray();
        await Task.Delay(Settle);
        await Check(cache, files.Path, "--format", "json");
        Directory.Delete(Path.Combine(cache.Path, "v2", "reports"), recursive: true);

        if (changed >= 0)
        {
            var modified = File.GetLastWriteTimeUtc(paths[changed]);
            File.WriteAllBytes(paths[changed], wav);
            File.SetLastWriteTimeUtc(paths[changed], modified);
        }
        var answered = await Check(cache, files.Path, "--format", "json");

        // Without the stored reports only a replay can answer "cached"; any change means no replay.
        Assert.Equal(changed < 0 ? 600 : 0, Regex.Count(answered.Out, "\"cached\": true"));
        Assert.Equal(0, answered.ExitCode);
    }

    [Fact]
    public async Task Replay_ProfileFileEdited_NotUsed()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        files.Write("media/a.wav", TestMedia.Wav());
        static byte[] Profile(long maxBytes) => System.Text.Encoding.UTF8.GetBytes(
            """{"name": "acme", "extends": "heygen", "kinds": {"audio": {"maxBytes": {"value": """ + maxBytes + """, "source": "test"}}}}""");
        var profile = files.Write("acme.json", Profile(100));
        await Task.Delay(Settle);
        Task<CliResult> Run() => Check(cache, files.File("media"), "--profile", profile, "--format", "json");

        var strict = await Run();
        var replayed = await Run();
        File.WriteAllBytes(profile, Profile(1_000_000));
        var relaxed = await Run();

        Assert.Single(Replays(cache));
        Assert.Equal(1, strict.ExitCode);
        Assert.Equal(1, replayed.ExitCode);
        Assert.Equal(0, relaxed.ExitCode);
        Assert.DoesNotContain("\"cached\"", relaxed.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_StatusAheadOfTheRun_NotStoredUntilSettled()
    {
        using var files = Fresh();
        using var cache = new TempDir();
        // A file stamped by a clock that runs ahead (another machine's, a camera's): a later change could keep its
        // time, so it is not relied on. Putting its time back changes it (and its change time) to now.
        File.SetLastWriteTimeUtc(files.File(Samples[0]), DateTime.UtcNow.AddHours(1));
        await Task.Delay(Settle);
        await Check(cache, files.Path, "--format", "json");
        var storedWhileAhead = Replays(cache).Length;
        File.SetLastWriteTimeUtc(files.File(Samples[0]), DateTime.UtcNow.AddHours(-1));
        await Task.Delay(Settle);
        var recalled = await Check(cache, files.Path, "--format", "json");
        var replayed = await Check(cache, files.Path, "--format", "json");

        Assert.Equal(0, storedWhileAhead);
        Assert.Equal(Samples.Length + 1, Regex.Count(recalled.Out, "\"cached\": true"));
        Assert.Single(Replays(cache));
        Assert.Equal(WithoutDuration(recalled.Out), WithoutDuration(replayed.Out));
    }

    private const long Second = 1_000_000_000;
    private static readonly DateTimeOffset Started = DateTimeOffset.FromUnixTimeMilliseconds(1_764_000_000_000);

    /// <summary>A status modified and changed <paramref name="before"/> the run started, with that sub-second part.</summary>
    private static FileStat StatusAt(TimeSpan before, long subsecondNs = 0)
    {
        var ns = (Started - before).ToUnixTimeMilliseconds() / 1000 * Second + subsecondNs;
        return new FileStat(1, 2, 3, ns, ns, IsRegularFile: true);
    }

    [Theory]
    // Sub-second times: a fine clock; one step is at most 10 ms, 100 ms is waited.
    [InlineData(1000, 250_000_001, true)]
    [InlineData(1000, 950_000_001, false)]
    [InlineData(1000, 850_000_001, true)]
    [InlineData(0, 999_999_999, false)]
    // Whole seconds: a file system stamping to the second or two (FAT); 2 s is waited.
    [InlineData(1000, 0, false)]
    [InlineData(2000, 0, false)]
    [InlineData(3000, 0, true)]
    public void Settled_WaitsOneClockStepOfTheFileSystem(int wholeSecondBeforeMs, long subsecondNs, bool settled)
    {
        // The time's whole second is wholeSecondBeforeMs before the run; its sub-second part moves it later.
        Assert.Equal(settled, ReportReplay.Settled(StatusAt(TimeSpan.FromMilliseconds(wholeSecondBeforeMs), subsecondNs), Started));
    }

    [Fact]
    public void Settled_OneWholeSecondTime_TakesTheLongerWait()
    {
        var fine = StatusAt(TimeSpan.FromSeconds(2), 500_000_001);
        // A sub-second change time but a modification time set to a whole second (by hand, or by FAT): 2 s.
        var wholeModified = fine with { ModifiedNs = fine.ModifiedNs - 500_000_001 + Second };
        // No change time at all (where statx is not available): 2 s.
        var noChangeTime = fine with { ChangedNs = 0 };

        Assert.True(ReportReplay.Settled(fine, Started));
        Assert.False(ReportReplay.Settled(wholeModified, Started));
        Assert.False(ReportReplay.Settled(noChangeTime, Started));
        Assert.True(ReportReplay.Settled(noChangeTime with { ModifiedNs = fine.ModifiedNs - Second }, Started));
    }

    [Fact]
    public async Task Replay_FolderOlderThanOneStep_StoredByTheFirstRun()
    {
        using var files = Fresh();
        using var cache = new TempDir();
        // Written earlier than the fine clock's wait (the file system here stamps sub-second times): stored at once.
        await Task.Delay(Settle);
        await Check(cache, files.Path, "--format", "json");

        Assert.Single(Replays(cache));
    }

    [Fact]
    public async Task Replay_ListingWithANote_NotStored()
    {
        using var files = await Folder();
        using var cache = new TempDir();
        // A link back to a folder already walked: the walk says so on standard error, which a replay would not repeat.
        Directory.CreateSymbolicLink(files.File("nested/again"), files.File("nested/deeper"));
        await Task.Delay(Settle);

        var first = await Check(cache, files.Path, "--format", "json");
        var second = await Check(cache, files.Path, "--format", "json");

        Assert.Contains("it links to a folder already checked", first.Error, StringComparison.Ordinal);
        Assert.Equal(first.Error, second.Error);
        Assert.Empty(Replays(cache));
    }

    [Fact]
    public void FileStat_ParsesWhatItWrites()
    {
        var status = new FileStat(2049, 123456789, 4096, 1_764_000_000_123_456_789, 1_764_000_001_000_000_001, IsRegularFile: true);

        Assert.Equal(status, FileStat.Parse(status.ToString()));
        Assert.Null(FileStat.Parse("1:2:3:4"));
        Assert.Null(FileStat.Parse("1:2:x:4:5"));
    }

    [Fact]
    public async Task Cut_JsonTableAndJUnit_AtEveryDurationAndNowhereElse()
    {
        var report = (long ms) => CheckReport.Create("heygen", null, [Entry("a.png")], TimeSpan.FromMilliseconds(ms));

        var json = await ReportReplay.CutAsync(new JsonReportWriter(), report, CancellationToken.None);
        var table = await ReportReplay.CutAsync(new TableReportWriter(TableWriterOptions.Plain), report, CancellationToken.None);
        var junit = await ReportReplay.CutAsync(new JUnitReportWriter(), report, CancellationToken.None);
        var html = await ReportReplay.CutAsync(new Core.Reports.Html.HtmlReportWriter(), report, CancellationToken.None);

        Assert.Equal(2, json!.Count);
        Assert.EndsWith("\"durationMs\": ", System.Text.Encoding.UTF8.GetString(json[0]), StringComparison.Ordinal);
        Assert.Equal(2, table!.Count);
        // testsuites and testsuite both carry the time.
        Assert.Equal(3, junit!.Count);
        Assert.Null(html);
    }

    [Fact]
    public async Task Cut_MarkerTextInAFileName_NothingStored()
    {
        // A path holding the first marker's text: cutting there too would put the run's duration into the path.
        var report = (long ms) => CheckReport.Create("heygen", null, [Entry("86399937123.png")], TimeSpan.FromMilliseconds(ms));

        Assert.Null(await ReportReplay.CutAsync(new JsonReportWriter(), report, CancellationToken.None));
    }

    private static FileReport Entry(string path) => new()
    {
        Path = path,
        Kind = AssetKind.Image,
        Verdict = Verdict.Pass,
        SizeBytes = 1,
        Sha256 = new string('0', 64),
        Detected = new DetectedFormat("png", "image/png", "test"),
        Findings = [],
        Cached = true,
    };
}
