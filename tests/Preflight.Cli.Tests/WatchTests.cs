using System.Text;
using System.Text.Json;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

/// <summary>
/// <c>preflight check --watch</c> with the real engine and real time: files written slowly, renamed, deleted, in bursts;
/// moved to the pass and fail folders; stopped with Ctrl-C.
/// </summary>
public sealed class WatchTests
{
    /// <summary>A running watcher whose output lines can be read while it runs.</summary>
    private sealed class Watch : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly LineWriter _out = new();
        private readonly LineWriter _error = new();
        private readonly Task<int> _run;

        public Watch(string folder, params string[] extra)
        {
            var context = CliContext.Create(_out, _error);
            _run = Task.Run(() => CliApp.RunAsync(["check", "--watch", folder, "--format", "json", "--no-cache", .. extra], context, _stop.Token));
        }

        public List<JsonElement> Verdicts => _out.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();

        public string Error => string.Join("\n", _error.Lines);

        public async Task<List<JsonElement>> WaitForAsync(int count, TimeSpan? timeout = null)
        {
            var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
            while (_out.Lines.Count < count && DateTime.UtcNow < deadline && !_run.IsCompleted) await Task.Delay(50);
            Assert.False(_run.IsCompleted, "the watcher stopped: " + Error);
            return Verdicts;
        }

        public async Task<(int ExitCode, string Error)> StopAsync()
        {
            await _stop.CancelAsync();
            var code = await _run.WaitAsync(TimeSpan.FromSeconds(30));
            return (code, Error);
        }

        public async ValueTask DisposeAsync()
        {
            if (!_run.IsCompleted) await StopAsync();
            _stop.Dispose();
        }
    }

    private sealed class LineWriter : TextWriter
    {
        private readonly StringBuilder _text = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_text) _text.Append(value);
        }

        public List<string> Lines
        {
            get
            {
                lock (_text) return _text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
            }
        }
    }

    [Fact]
    public async Task Watch_FileWrittenSlowly_CheckedOnceWhenComplete()
    {
        using var dir = new TempDir();
        // The settle time is five pauses long: a loaded machine may stretch a pause, not by that much.
        await using var watch = new Watch(dir.Path, "--settle", "2500ms");
        var wav = TestMedia.Wav(seconds: 0.5);

        await using (var file = new FileStream(dir.File("slow.wav"), FileMode.CreateNew))
        {
            // A copy that stalls: in each pause two polls (250 ms apart) see the same size; each is far shorter than the settle time.
            for (var offset = 0; offset < wav.Length; offset += wav.Length / 4)
            {
                await file.WriteAsync(wav.AsMemory(offset, Math.Min(wav.Length / 4, wav.Length - offset)));
                await file.FlushAsync();
                await Task.Delay(500);
            }
        }
        var verdicts = await watch.WaitForAsync(1);
        // Longer than the settle time and a poll: a second check of the same file would have been printed by now.
        await Task.Delay(3000);

        var only = Assert.Single(watch.Verdicts);
        Assert.Equal("slow.wav", only.GetProperty("path").GetString());
        Assert.Equal("pass", only.GetProperty("verdict").GetString());
        Assert.Equal(wav.Length, only.GetProperty("sizeBytes").GetInt64());
        Assert.Single(verdicts);
    }

    [Fact]
    public async Task Watch_RenamedAndDeleted_OnlyTheFinalNameIsReported()
    {
        using var dir = new TempDir();
        // Each name below lives 300 ms (a poll or so, so the watcher sees it): the settle time is several times that.
        await using var watch = new Watch(dir.Path, "--settle", "2s");

        // A copy tool's hidden partial file, renamed when complete.
        dir.Write(".upload.wav.partial", TestMedia.Wav());
        File.Move(dir.File(".upload.wav.partial"), dir.File("upload.wav"));
        // Renamed before it settled, and a file deleted before it settled.
        dir.Write("first-name.wav", TestMedia.Wav());
        await Task.Delay(300);
        File.Move(dir.File("first-name.wav"), dir.File("second-name.wav"));
        dir.Write("gone.wav", TestMedia.Wav());
        await Task.Delay(300);
        File.Delete(dir.File("gone.wav"));

        await watch.WaitForAsync(2);
        // The files were all written within 0.6 s: any other verdict would have come by now.
        await Task.Delay(1500);

        var paths = watch.Verdicts.Select(v => v.GetProperty("path").GetString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["second-name.wav", "upload.wav"], paths);
    }

    [Fact]
    public async Task Watch_PassAndFailDirs_MovedWithReportBesideFailures()
    {
        using var dir = new TempDir();
        var inbox = Directory.CreateDirectory(dir.File("inbox")).FullName;
        await using var watch = new Watch(inbox, "--settle", "300ms", "--pass-dir", dir.File("ok"), "--fail-dir", dir.File("rejected"));

        dir.Write("inbox/sub/good.wav", TestMedia.Wav());
        dir.Write("inbox/bad.mp4", []);
        var verdicts = await watch.WaitForAsync(2);

        Assert.Equal(2, verdicts.Count);
        // The verdict is printed before the file is moved and its report written: wait for the last step.
        var reportPath = dir.File("rejected/bad.mp4.preflight.json");
        await Polling.Eventually(() => Directory.GetFiles(inbox, "*", SearchOption.AllDirectories).Length == 0 && IsWrittenJson(reportPath));
        Assert.True(File.Exists(dir.File("ok/sub/good.wav")));
        Assert.True(File.Exists(dir.File("rejected/bad.mp4")));
        using var report = JsonDocument.Parse(File.ReadAllText(reportPath));
        Assert.Equal("file.empty", report.RootElement.GetProperty("findings")[0].GetProperty("code").GetString());
        Assert.Empty(Directory.GetFiles(inbox, "*", SearchOption.AllDirectories));

        // The same name again is moved beside the first, never over it.
        dir.Write("inbox/bad.mp4", []);
        await watch.WaitForAsync(3);
        await Polling.Eventually(() => IsWrittenJson(dir.File("rejected/bad-2.mp4.preflight.json")));
        Assert.True(File.Exists(dir.File("rejected/bad-2.mp4")));
        Assert.True(File.Exists(dir.File("rejected/bad-2.mp4.preflight.json")));
    }

    [Fact]
    public async Task Watch_ThroughASymlink_PassAndFailDirsInsideAreNotWatched()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("w"));
        File.CreateSymbolicLink(dir.File("wlink"), "w");
        await using var watch = new Watch(dir.File("wlink"), "--settle", "200ms", "--pass-dir", dir.File("w/passed"), "--fail-dir", dir.File("w/failed"));

        dir.Write("w/good.wav", TestMedia.Wav());
        dir.Write("w/bad.mp4", []);
        await watch.WaitForAsync(2);
        await Polling.Eventually(() => File.Exists(dir.File("w/passed/good.wav")) && IsWrittenJson(dir.File("w/failed/bad.mp4.preflight.json")));
        // Several settle times: a watcher that saw its own pass and fail folders would check the moved files again.
        await Task.Delay(1500);

        Assert.Equal(2, watch.Verdicts.Count);
        Assert.False(Directory.Exists(dir.File("w/passed/passed")));
        Assert.False(Directory.Exists(dir.File("w/failed/failed")));
        Assert.Equal(["failed/bad.mp4", "failed/bad.mp4.preflight.json", "passed/good.wav"],
            Directory.GetFiles(dir.File("w"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir.File("w"), f)).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Watch_BurstOfFiles_EachCheckedOnce()
    {
        using var dir = new TempDir();
        var inbox = Directory.CreateDirectory(dir.File("inbox")).FullName;
        await using var watch = new Watch(inbox, "--settle", "300ms", "--fail-dir", dir.File("rejected"), "--jobs", "4");
        const int count = 1500;

        for (var i = 0; i < count; i++) dir.Write($"inbox/{i % 10}/note-{i}.txt", [(byte)i]);
        var verdicts = await watch.WaitForAsync(count, TimeSpan.FromMinutes(3));

        Assert.Equal(count, verdicts.Count);
        Assert.Equal(count, verdicts.Select(v => v.GetProperty("path").GetString()).Distinct().Count());
        Assert.All(verdicts, v => Assert.Equal("format.unsupported", v.GetProperty("findings")[0].GetProperty("code").GetString()));
        // The last verdicts are printed before their files are moved.
        await Polling.Eventually(() => Directory.GetFiles(dir.File("rejected"), "*.txt", SearchOption.AllDirectories).Length == count);
        Assert.Equal(count, Directory.GetFiles(dir.File("rejected"), "*.txt", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public async Task Watch_CtrlC_Exits130()
    {
        using var dir = new TempDir();
        var watch = new Watch(dir.Path);
        await Task.Delay(500);

        var (code, error) = await watch.StopAsync();

        Assert.Equal(130, code);
        Assert.Contains("watching", error, StringComparison.Ordinal);
        await watch.DisposeAsync();
    }

    /// <summary>The file at <paramref name="path"/> is whole JSON: false while it is missing or still being written.</summary>
    private static bool IsWrittenJson(string path)
    {
        try
        {
            using var _ = JsonDocument.Parse(File.ReadAllBytes(path));
            return true;
        }
        catch (Exception e) when (e is IOException or JsonException)
        {
            return false;
        }
    }

    [Theory]
    [InlineData("--pass-dir needs --watch DIR", "check", "x", "--pass-dir", "p")]
    [InlineData("--watch takes one folder", "check", "x", "--watch", ".")]
    [InlineData("bad --settle 'soon'", "check", "--watch", ".", "--settle", "soon")]
    [InlineData("--watch prints one line per file", "check", "--watch", ".", "--format", "junit")]
    public async Task Watch_BadUsage_ExitsTwo(string message, params string[] args)
    {
        using var dir = new TempDir();

        var result = await CliRunner.RunInAsync(dir.Path, args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }
}
