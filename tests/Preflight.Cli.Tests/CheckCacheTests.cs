using System.Text.RegularExpressions;
using Preflight.Cli.Check;
using Preflight.Core.Inspection;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

/// <summary>The on-disk verdict cache of <c>preflight check</c>: hits, what invalidates an entry, and where it may live.</summary>
public sealed class CheckCacheTests
{
    private static Task<CliResult> Check(TempDir cache, params string[] args) =>
        CliRunner.RunAsync(c => c with { CacheFolder = cache.Path }, ["check", .. args]);

    private static string WithoutRunFacts(string json) =>
        Regex.Replace(json.Replace(",\n      \"cached\": true", "", StringComparison.Ordinal), "\"durationMs\": \\d+", "\"durationMs\": 0");

    [Fact]
    public async Task Check_SecondRun_EveryReportCachedAndOtherwiseByteIdentical()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        foreach (var name in new[] { "valid/image-320x180.jpg", "valid/audio-64kbps-mono.mp3", "valid/warning-not-faststart.mp4", "mislabeled/png-named.jpg" })
            files.Write(name, File.ReadAllBytes(RepoPaths.TestFile(name.Split('/'))));

        var first = await Check(cache, files.Path, "--format", "json");
        var second = await Check(cache, files.Path, "--format", "json");

        Assert.Equal(1, first.ExitCode);
        Assert.Equal(first.ExitCode, second.ExitCode);
        Assert.DoesNotContain("\"cached\"", first.Out, StringComparison.Ordinal);
        Assert.Equal(4, Regex.Count(second.Out, "\"cached\": true"));
        Assert.Equal(WithoutRunFacts(first.Out), WithoutRunFacts(second.Out));
    }

    [Fact]
    public async Task Check_CancelledRun_StoresNoVerdict()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        files.Write("a.png", [1, 2, 3]);
        using var cancellation = new CancellationTokenSource();
        var inspections = 0;
        // What an engine whose ffmpeg was killed by the terminal's Ctrl-C returns: a verdict, after the run was cancelled.
        Func<InspectionRequest, InspectionOptions, CancellationToken, Task<FileReport>> Engine(bool cancel) => async (request, options, ct) =>
        {
            Interlocked.Increment(ref inspections);
            if (cancel) await cancellation.CancelAsync();
            return await CliRunner.FakeEngine(_ => [Finding.Error(FindingCodes.FileCorrupt, "killed")])(request, options, ct) with { Sha256 = request.Sha256 };
        };

        var cancelled = await CliRunner.RunAsync(c => c with { InspectOverride = Engine(cancel: true) },
            ["check", files.Path, "--cache", cache.Path, "--format", "json"], cancellation.Token);
        var next = await CliRunner.RunAsync(c => c with { InspectOverride = Engine(cancel: false) },
            ["check", files.Path, "--cache", cache.Path, "--format", "json"]);

        Assert.Equal(130, cancelled.ExitCode);
        Assert.Equal(2, inspections);
        Assert.DoesNotContain("\"cached\"", next.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WarmRun_DoesNotBuildTheEngine()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        files.Write("a.wav", TestMedia.Wav());
        files.Write("b/c.png", File.ReadAllBytes(RepoPaths.TestFile("mislabeled", "png-named.jpg")));
        var builds = 0;
        Task<CliResult> Run(params string[] args) =>
            CliRunner.RunAsync(c => c with { CacheFolder = cache.Path, EngineBuilt = () => Interlocked.Increment(ref builds) }, ["check", files.Path, .. args]);

        var first = await Run("--format", "json");
        var afterFirst = builds;
        var warm = await Run("--format", "json");
        var badPlan = await Run("--plan", "gold");

        Assert.Equal(1, afterFirst);
        Assert.Equal(1, builds);
        Assert.Equal(first.ExitCode, warm.ExitCode);
        Assert.Equal(2, Regex.Count(warm.Out, "\"cached\": true"));
        Assert.Equal(WithoutRunFacts(first.Out), WithoutRunFacts(warm.Out));
        // The remembered profile still checks --plan, with the same message as the engine's profile.
        Assert.Equal(2, badPlan.ExitCode);
        Assert.StartsWith("preflight: unknown plan 'gold': use one of free, pro, scale, enterprise.", badPlan.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ChangedFileAfterWarmRun_BuildsTheEngineForThatFileOnly()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        files.Write("a.wav", TestMedia.Wav());
        var b = files.Write("b.wav", TestMedia.Wav());
        var builds = 0;
        Task<CliResult> Run() =>
            CliRunner.RunAsync(c => c with { CacheFolder = cache.Path, EngineBuilt = () => Interlocked.Increment(ref builds) }, ["check", files.Path, "--format", "json"]);

        await Run();
        File.WriteAllBytes(b, TestMedia.Wav(seconds: 0.2));
        var second = await Run();

        Assert.Equal(2, builds);
        Assert.Equal(1, Regex.Count(second.Out, "\"cached\": true"));
        Assert.Equal(0, second.ExitCode);
    }

    [Fact]
    public async Task Cache_ProfileFileEdited_ResolvedAgainNotRemembered()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        files.Write("media/a.wav", TestMedia.Wav());
        static byte[] Profile(long maxBytes) => System.Text.Encoding.UTF8.GetBytes(
            """{"name": "acme", "extends": "heygen", "kinds": {"audio": {"maxBytes": {"value": """ + maxBytes + """, "source": "test"}}}}""");
        var profile = files.Write("acme.json", Profile(100));
        Task<CliResult> Run() => Check(cache, files.File("media"), "--profile", profile, "--format", "json");

        var strict = await Run();
        File.WriteAllBytes(profile, Profile(1_000_000));
        var relaxed = await Run();
        var again = await Run();

        Assert.Equal(1, strict.ExitCode);
        Assert.Equal(0, relaxed.ExitCode);
        Assert.DoesNotContain("\"cached\"", relaxed.Out, StringComparison.Ordinal);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("\"cached\": true", again.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cache_UnchangedFile_NotReadAgainNorInspected()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        var path = files.Write("a.wav", TestMedia.Wav());
        var input = new InputFile(path, "a.wav");
        var inspections = 0;
        Task<FileReport> Inspect(InspectionRequest request, CancellationToken ct)
        {
            Interlocked.Increment(ref inspections);
            return RealEngine(request, ct);
        }

        var first = CheckCache.Open(cache.Path, [files.Path]);
        var fresh = await first.CheckAsync(input, new InspectionOptions(), Inspect, default);
        first.Save();
        var second = CheckCache.Open(cache.Path, [files.Path]);
        var again = await second.CheckAsync(input, new InspectionOptions(), Inspect, default);

        Assert.Equal(1, inspections);
        Assert.Equal(1, first.FilesRead);
        Assert.Equal(0, second.FilesRead);
        Assert.Null(fresh.Cached);
        Assert.True(again.Cached);
        Assert.Equal(fresh with { Cached = true }, again with { Findings = fresh.Findings });
    }

    [Fact]
    public async Task Cache_ScopeSwitchedAndBack_KeysMadeAgainFromRememberedHashes()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        var path = files.Write("a.wav", TestMedia.Wav());
        var input = new InputFile(path, "a.wav");
        async Task<(CheckCache Cache, FileReport Report)> Run(InspectionOptions options)
        {
            var run = CheckCache.Open(cache.Path, [files.Path]);
            var report = await run.CheckAsync(input, options, RealEngine, default);
            run.Save();
            return (run, report);
        }

        var (quick, first) = await Run(new InspectionOptions());
        var (free, other) = await Run(new InspectionOptions { Plan = "free" });
        var (quickAgain, back) = await Run(new InspectionOptions());

        // The index holds the keys of the last scope only: a key of the quick run must not answer the plan's run, and
        // the way back finds the quick verdict again from the remembered hash, without reading the file.
        Assert.Null(first.Cached);
        Assert.Null(other.Cached);
        Assert.True(back.Cached);
        Assert.Equal(1, quick.FilesRead);
        Assert.Equal(0, quickAgain.FilesRead);
        Assert.Equal(1, quickAgain.Hits);
    }

    [Fact]
    public async Task Cache_ContentRewrittenSameSizeAndMtime_InspectedAgain()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        var path = files.Write("a.png", [1, 2, 3]);
        var mtime = File.GetLastWriteTimeUtc(path);

        await Check(cache, files.Path);
        File.WriteAllBytes(path, [9, 9, 9]);
        File.SetLastWriteTimeUtc(path, mtime); // ctime still moves: the path index notices
        var second = await CliRunner.RunAsync(c => c with { CacheFolder = cache.Path }, ["check", files.Path, "--format", "json"]);

        Assert.DoesNotContain("\"cached\"", second.Out, StringComparison.Ordinal);
        Assert.Contains("\"sha256\": \"" + Sha("\u0009\u0009\u0009"), second.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cache_SameBytesElsewhere_AnsweredWithoutInspection()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        var wav = TestMedia.Wav();
        files.Write("one/a.wav", wav);
        files.Write("two/a.wav", wav);
        files.Write("two/b.wav", wav);

        await Check(cache, files.File("one"));
        var other = await Check(cache, files.File("two"), "--format", "json");

        // Same bytes, same name: a hit, read once for its hash. Another name is another key (fix commands name the file).
        using var json = System.Text.Json.JsonDocument.Parse(other.Out);
        var cached = json.RootElement.GetProperty("files").EnumerateArray()
            .Where(f => f.TryGetProperty("cached", out var c) && c.GetBoolean()).Select(f => f.GetProperty("path").GetString());
        Assert.Equal(["a.wav"], cached);
    }

    [Theory]
    [InlineData("--plan", "free")]
    [InlineData("--deep", null)]
    public async Task Cache_OtherPlanOrMode_IsAnotherKey(string option, string? value)
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        files.Write("a.png", [1, 2, 3]);

        await Check(cache, files.Path);
        string[] args = value is null ? [files.Path, "--format", "json", option] : [files.Path, "--format", "json", option, value];
        var other = await Check(cache, args);
        var same = await Check(cache, args);

        Assert.DoesNotContain("\"cached\"", other.Out, StringComparison.Ordinal);
        Assert.Contains("\"cached\": true", same.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void VerdictKey_ChangesWithEveryInput()
    {
        var sha = new string('a', 64);
        var quick = new InspectionOptions();
        var stricter = Profile.HeyGen with { Name = Profile.HeyGen.Name + "-edited" };
        var keys = new[]
        {
            VerdictKey.For(sha, "a.png", null, quick),
            VerdictKey.For(new string('b', 64), "a.png", null, quick),
            VerdictKey.For(sha, "a.jpg", null, quick),
            VerdictKey.For(sha, "a.png", AssetKind.Image, quick),
            VerdictKey.For(sha, "a.png", null, quick with { Plan = "pro" }),
            VerdictKey.For(sha, "a.png", null, quick with { Deep = true }),
            VerdictKey.For(sha, "a.png", null, quick with { Profile = stricter }),
        };

        Assert.Equal(keys.Length, keys.Distinct().Count());
        Assert.Equal(keys[0], VerdictKey.For(sha, "a.png", null, new InspectionOptions()));
        Assert.Contains(ToolInfo.Current.Version, VerdictKey.EngineVersion, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cache_TimeoutReport_NeverCached()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        files.Write("a.png", [1]);
        var calls = 0;
        Func<InspectionRequest, InspectionOptions, CancellationToken, Task<FileReport>> engine = (request, options, ct) =>
        {
            Interlocked.Increment(ref calls);
            return CliRunner.FakeEngine(_ => [Finding.Error(FindingCodes.ProbeTimeout, "slow")])(request, options, ct)
                .ContinueWith(t => t.Result with { Sha256 = request.Sha256 }, ct, TaskContinuationOptions.None, TaskScheduler.Default);
        };

        for (var i = 0; i < 2; i++)
            await CliRunner.RunAsync(c => c with { InspectOverride = engine }, ["check", files.Path, "--cache", cache.Path]);

        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task NoCache_NothingWrittenNothingCached()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        files.Write("a.png", [1, 2, 3]);

        await Check(cache, files.Path, "--no-cache");
        var second = await Check(cache, files.Path, "--no-cache", "--format", "json");

        Assert.Empty(Directory.GetFileSystemEntries(cache.Path));
        Assert.DoesNotContain("\"cached\"", second.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CacheOption_InsideCheckedFolder_UsageError()
    {
        using var files = new TempDir();
        files.Write("media/a.png", [1]);

        var result = await CliRunner.RunAsync("check", files.File("media"), "--cache", files.File("media/.cache"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("inside the checked folder", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(files.File("media/.cache")));
    }

    [Fact]
    public async Task DefaultCache_InsideCheckedFolder_OffWithANote()
    {
        using var home = new TempDir();
        home.Write("a.png", [1]);

        var result = await CliRunner.RunAsync(c => c with { CacheFolder = home.File(".cache/preflight") }, ["check", home.Path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not caching verdicts", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(home.File(".cache")));
    }

    [Theory]
    [InlineData("/x/cache", "/home/u", "/x/cache/preflight")]
    [InlineData("relative", "/home/u", "/home/u/.cache/preflight")]
    [InlineData(null, "/home/u", "/home/u/.cache/preflight")]
    public void DefaultFolder_XdgThenHome(string? xdg, string home, string expected)
    {
        var folder = CheckCache.DefaultFolder(name => name switch { "XDG_CACHE_HOME" => xdg, "HOME" => home, _ => null });

        Assert.Equal(expected, folder);
    }

    private static readonly Inspector Engine = new(new Core.Probing.Video.MediaTools(new()));

    private static Task<FileReport> RealEngine(InspectionRequest request, CancellationToken ct) => Engine.InspectAsync(request, new InspectionOptions(), ct);

    private static string Sha(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.Latin1.GetBytes(text)));
}
