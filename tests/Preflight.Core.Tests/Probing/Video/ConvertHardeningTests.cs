using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Preflight.Core.Formats;
using Preflight.Core.Inspection;
using Preflight.Core.Probing.Video;
using Preflight.Core.Remediation;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;
using Preflight.Core.Tests.Remediation;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Probing.Video;

/// <summary>
/// A fix's ffmpeg (<see cref="MediaTools.ConvertAsync"/>) runs hardened exactly as probing does (issue 15, point 6):
/// demuxer forced, demuxer and protocol whitelists, a private folder, the memory cap, a duration-based timeout that kills.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class ConvertHardeningTests(MediaToolsSamples samples) : IClassFixture<MediaToolsSamples>, IDisposable
{
    private readonly TempDir _dir = new();

    private string Log => _dir.File("tool.log");

    private static ConversionRequest Request(string input, string format, string destination, double? mediaSeconds) =>
        new(input, format, "-ss 0", "-c copy", KnownFormats.Mp4, destination, mediaSeconds);

    [Fact]
    public async Task ConvertAsync_ToolInvocation_IsForcedCappedAndPrivate()
    {
        // The fake writes what it was given: arguments, address-space limit (KiB), working directory and its mode, where its input links to.
        var fake = MediaToolsSamples.FakeTools(_dir,
            $"echo \"args: $* limit: $(ulimit -v) cwd: $PWD mode: $(stat -c %a \"$PWD\") link: $(readlink \"$PWD\"/input.mp4)\" > '{Log}'; exit 1");
        var file = _dir.Write("phone clip.mp4", File.ReadAllBytes(samples.Mp4));
        var destination = _dir.File("fixed.mp4");
        var tools = new MediaTools(new MediaToolsOptions { BinaryFolder = fake, MemoryLimitBytes = 384L * 1024 * 1024 });

        var result = await tools.ConvertAsync(Request(file, KnownFormats.Mp4, destination, 2), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.StartsWith("ffmpeg could not write the output", result.Problem);
        var call = Invocation().Match(File.ReadAllText(Log).Trim());
        Assert.True(call.Success, File.ReadAllText(Log));
        var (args, cwd) = (call.Groups["args"].Value, call.Groups["cwd"].Value);
        // The fix's input options, then the forced demuxer and both whitelists, then a generated name in the private folder.
        Assert.Contains($"-nostdin -v error -ss 0 -f mov -format_whitelist mov,mp4,m4a,3gp,3g2,mj2 -protocol_whitelist file -i {cwd}/input.mp4 ", args);
        // The muxer is forced and the output is written in the private folder, never beside the input or the destination.
        Assert.Contains($"-c copy -f mp4 {cwd}/output.mp4", args);
        Assert.DoesNotContain(_dir.Path, args);
        Assert.Equal("393216", call.Groups["limit"].Value);
        Assert.Equal(Path.GetFullPath(file), call.Groups["link"].Value);
        Assert.StartsWith(Path.Combine(Path.GetTempPath(), "preflight-probe-"), cwd);
        Assert.Equal("700", call.Groups["mode"].Value);
        Assert.False(Directory.Exists(cwd), "the private folder is deleted after the run");
        Assert.False(File.Exists(destination));
    }

    [Theory]
    [InlineData(KnownFormats.Mkv)]
    [InlineData(KnownFormats.MpegTs)]
    [InlineData(KnownFormats.Flac)]
    public async Task ConvertAsync_FormatOnlyAFixOpens_ItsOwnDemuxerForcedOnAPrivateLink(string format)
    {
        var input = FfmpegInput.ForConversion(format)!;
        var fake = MediaToolsSamples.FakeTools(_dir, $"echo \"args: $* cwd: $PWD\" > '{Log}'; exit 1");
        var tools = new MediaTools(new MediaToolsOptions { BinaryFolder = fake });

        await tools.ConvertAsync(Request(samples.Segment, format, _dir.File("fixed.mp4"), 1), CancellationToken.None);

        var logged = File.ReadAllText(Log).Trim();
        var cwd = logged[(logged.LastIndexOf(" cwd: ", StringComparison.Ordinal) + 6)..];
        Assert.Contains($" -f {input.Demuxer} -format_whitelist {input.FormatWhitelist} -protocol_whitelist file -i {cwd}/{input.LinkName} ", logged);
        Assert.Contains("preflight-probe-", cwd);
        Assert.False(Directory.Exists(cwd));
    }

    [Theory]
    [InlineData(KnownFormats.Hls)]
    [InlineData(KnownFormats.FfConcat)]
    [InlineData(KnownFormats.Html)]
    [InlineData(KnownFormats.Text)]
    [InlineData(KnownFormats.Xml)]
    [InlineData(KnownFormats.Json)]
    [InlineData(KnownFormats.Svg)]
    [InlineData(KnownFormats.Zip)]
    [InlineData(KnownFormats.Pdf)]
    [InlineData(KnownFormats.Empty)]
    [InlineData(KnownFormats.Unknown)]
    [InlineData("")]
    [InlineData("hls,mov")]
    public async Task ConvertAsync_PlaylistsScriptsAndNonMedia_RefusedWithoutRunningTheTool(string format)
    {
        var tools = MediaToolsSamples.MarkingTools(_dir, out var marker);
        var file = _dir.Write("input.mp4", "#EXTM3U\n#EXTINF:1,\nseg.ts\n"u8.ToArray());

        var result = await tools.ConvertAsync(Request(file, format, _dir.File("fixed.mp4"), 1), CancellationToken.None);

        Assert.Null(FfmpegInput.ForConversion(format));
        Assert.False(MediaTools.CanConvertFrom(format));
        Assert.StartsWith("ffmpeg is not run on", result.Problem);
        Assert.False(File.Exists(marker), "the tool must not be started for a refused format");
        Assert.False(File.Exists(_dir.File("fixed.mp4")));
    }

    /// <summary>Demuxers that open other files or the network by what the input says.</summary>
    private static readonly string[] FollowingDemuxers = ["hls", "applehttp", "concat", "dash", "image2", "sdp", "rtsp", "rtp", "data"];

    [Fact]
    public void FfmpegInput_ForConversion_EveryFormat_ForcesOneDemuxerThatOpensNothingElse()
    {
        var opened = FormatRegistry.All.Select(d => (d.Id, Input: FfmpegInput.ForConversion(d.Id))).Where(x => x.Input is not null).ToList();

        Assert.Contains(opened, x => x.Id == KnownFormats.Mkv); // conversion does open more than probing
        foreach (var (id, input) in opened)
        {
            Assert.Matches("^[a-z0-9_]+$", input!.Demuxer);
            Assert.Equal($"-f {input.Demuxer} -format_whitelist {input.FormatWhitelist} -protocol_whitelist file", input.InputArguments);
            var whitelisted = input.FormatWhitelist.Split(',');
            Assert.Contains(input.Demuxer, whitelisted);
            Assert.True(!whitelisted.Intersect(FollowingDemuxers).Any(), $"{id}: {input.FormatWhitelist}");
            Assert.Matches("^input\\.[a-z0-9]+$", input.LinkName);
        }
    }

    [Theory]
    [InlineData(null, 600)] // unknown duration: the decode timeout
    [InlineData(0.0, 600)]
    [InlineData(-5.0, 600)]
    [InlineData(double.NaN, 600)]
    [InlineData(1.0, 70)] // 60 s + 10 s per second of media
    [InlineData(30.0, 360)]
    [InlineData(600.0, 6060)]
    [InlineData(714.0, 7200)] // reaches the 2 h cap…
    [InlineData(3600.0, 7200)] // …and stays there
    [InlineData(double.PositiveInfinity, 7200)]
    public void ConvertTimeoutFor_GrowsWithTheMediaAndIsCapped(double? mediaSeconds, double expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), new MediaToolsOptions().ConvertTimeoutFor(mediaSeconds));
    }

    [Fact]
    public void ConvertTimeoutFor_FollowsTheOptions()
    {
        var options = new MediaToolsOptions
        {
            ConvertTimeoutBase = TimeSpan.FromSeconds(5),
            ConvertTimeoutPerMediaSecond = TimeSpan.FromSeconds(2),
            ConvertTimeoutMax = TimeSpan.FromMinutes(1),
            DecodeTimeout = TimeSpan.FromSeconds(42),
        };

        Assert.Equal(TimeSpan.FromSeconds(25), options.ConvertTimeoutFor(10));
        Assert.Equal(TimeSpan.FromMinutes(1), options.ConvertTimeoutFor(28));
        Assert.Equal(TimeSpan.FromSeconds(42), options.ConvertTimeoutFor(null));
    }

    [Theory(Timeout = 60_000)]
    [InlineData(2.0, "2.5 s")] // 1.5 s + 2 × 0.5 s
    [InlineData(1000.0, "3 s")] // the cap
    public async Task ConvertAsync_ToolHangs_KilledAtTheDurationTimeoutLeavingNothing(double mediaSeconds, string limit)
    {
        var marker = Random.Shared.Next(100_000, 900_000).ToString(CultureInfo.InvariantCulture);
        var fake = MediaToolsSamples.FakeTools(_dir, $"echo \"$PWD\" > '{Log}'; exec sleep {marker}");
        // Seconds, not fractions of one: the timeout also covers starting the wrapper and the shell of the fake.
        var tools = new MediaTools(new MediaToolsOptions
        {
            BinaryFolder = fake,
            ConvertTimeoutBase = TimeSpan.FromSeconds(1.5),
            ConvertTimeoutPerMediaSecond = TimeSpan.FromSeconds(0.5),
            ConvertTimeoutMax = TimeSpan.FromSeconds(3),
        });
        var destination = _dir.File("fixed.mp4");
        var clock = Stopwatch.StartNew();

        var result = await tools.ConvertAsync(Request(samples.Mp4, KnownFormats.Mp4, destination, mediaSeconds), CancellationToken.None);

        clock.Stop();
        Assert.True(result.TimedOut);
        Assert.Equal($"ffmpeg did not finish the fix within {limit}", result.Problem);
        var seconds = double.Parse(limit.Split(' ')[0], CultureInfo.InvariantCulture);
        // Killed at the timeout, not when the sleep (days long) ends; the margin is for a loaded machine's kill and clean-up.
        Assert.InRange(clock.Elapsed.TotalSeconds, seconds * 0.9, seconds + 10);
        Assert.Empty(MediaToolsSamples.ProcessesWithCommandLine("sleep " + marker));
        // On a very slow start the kill may come before the fake wrote where it ran: then there is no folder to look at.
        var cwd = File.Exists(Log) ? File.ReadAllText(Log).Trim() : "";
        if (cwd.Length > 0)
        {
            Assert.Contains("preflight-probe-", cwd);
            Assert.False(Directory.Exists(cwd), "the private folder is deleted after the kill");
        }
        Assert.False(File.Exists(destination));
    }

    [Theory(Timeout = 60_000)]
    [InlineData("exit 255")] // ffmpeg caught SIGINT/SIGTERM (the terminal's Ctrl-C reaches the process group)
    [InlineData("kill -KILL $$")] // killed outright
    public async Task DecodeAsync_FfmpegStoppedBySignal_ProbeFailedNeverCorrupt(string death)
    {
        var fake = MediaToolsSamples.FakeTools(_dir, death);
        var tools = new MediaTools(new MediaToolsOptions { BinaryFolder = fake });

        var findings = await tools.DecodeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None);

        var finding = Assert.Single(findings);
        Assert.Equal(FindingCodes.ProbeFailed, finding.Code); // never cached, unlike file.corrupt
        Assert.Contains("stopped by a signal", finding.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task Cancel_WhileFfmpegNoLongerReadsItsInput_DoesNotThrowInTheCanceller()
    {
        // FFMpegCore answers a cancellation by writing "q" to ffmpeg's standard input. An ffmpeg that has closed it
        // (or died with the terminal's Ctrl-C) makes that write fail; the failure must not reach whoever cancelled:
        // there it is the CLI's signal handler, and an exception there ends the process.
        var started = _dir.File("started");
        var fake = MediaToolsSamples.FakeTools(_dir, $"exec 0<&-; touch '{started}'; exec sleep 600");
        var tools = new MediaTools(new MediaToolsOptions { BinaryFolder = fake });
        using var cancellation = new CancellationTokenSource();

        var decoding = tools.DecodeAsync(samples.Mp4, KnownFormats.Mp4, cancellation.Token);
        Assert.True(await Polling.Eventually(() => File.Exists(started), TimeSpan.FromSeconds(30)), "the fake ffmpeg never started");

        Assert.Null(Record.Exception(cancellation.Cancel));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => decoding);
    }

    /// <summary>Issue 15, point 8: a truncated MP4 never reaches an encoder that reads outside the file.</summary>
    [Fact]
    public async Task Fix_TruncatedMp4WithSalvage_EveryToolReadsOnlyThePrivateLinkThroughTheForcedDemuxer()
    {
        var whole = File.ReadAllBytes(samples.Mp4Long);
        var input = _dir.Write("truncated.mp4", whole[..(whole.Length / 2)]);
        var calls = _dir.File("calls.log");
        var remediator = FixHarness.Over(ToolShims.Tools(_dir.File("shim-bin"), calls));

        using var outcome = await remediator.FixAsync(new InspectionRequest(input, "truncated.mp4"), new FixOptions { Salvage = true }, CancellationToken.None);

        Assert.Equal(FixStatus.Fixed, outcome.Report.Fix!.Status);
        Assert.Equal(FixOps.Salvage, outcome.Report.Fix.Operations[0].Op);
        var runs = ToolShims.Recorded(calls).Where(c => !c.EndsWith(" -version", StringComparison.Ordinal)).ToList();
        var salvage = Assert.Single(runs, c => c.StartsWith("ffmpeg ", StringComparison.Ordinal) && c.Contains("ignore_err", StringComparison.Ordinal));
        Assert.Matches(@" -err_detect ignore_err -fflags \+discardcorrupt\+genpts -f mov -format_whitelist mov,mp4,m4a,3gp,3g2,mj2 -protocol_whitelist file -i /[^ ]+/preflight-probe-[^/ ]+/input\.mp4 ", salvage);
        Assert.Contains(" -f mp4 /", salvage);
        // Any other start (an ffprobe of the input or of the output) is held to the same rules.
        foreach (var run in runs)
        {
            Assert.Contains("-f mov -format_whitelist mov,mp4,m4a,3gp,3g2,mj2 -protocol_whitelist file", run);
            Assert.Matches("/preflight-probe-[^/ ]+/input\\.mp4( |$)", run);
            Assert.DoesNotContain(_dir.Path, run);
        }
    }

    [GeneratedRegex("^args: (?<args>.*) limit: (?<limit>[0-9]+) cwd: (?<cwd>[^ ]+) mode: (?<mode>[0-7]+) link: (?<link>.*)$")]
    private static partial Regex Invocation();

    public void Dispose() => _dir.Dispose();
}

/// <summary>The only runs of these tests: they point TMPDIR at a folder of their own (see <see cref="PrivateTemp"/>).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PrivateTempCollection
{
    public const string Name = "private TMPDIR";
}

/// <summary>
/// Every path of a fix that ends without an output removes its temp folders (<c>preflight-fix-*</c>, <c>preflight-probe-*</c>):
/// ffmpeg failing, an output that still fails, an exception, a cancellation.
/// </summary>
[Collection(PrivateTempCollection.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ConvertHardeningCleanupTests : IClassFixture<FixHarness>, IDisposable
{
    private readonly FixHarness h;
    private readonly TempDir _dir = new();
    private readonly string _input;
    private readonly PrivateTemp _temp;

    public ConvertHardeningCleanupTests(FixHarness harness)
    {
        h = harness;
        // A fix of it remuxes: ffprobe for the facts, then ffmpeg.
        _input = h.Generate("cleanup.mkv", "-f lavfi -i testsrc=size=160x120:rate=25 -t 1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -f matroska");
        _temp = new PrivateTemp(_dir.File("tmp"));
    }

    private string Calls => _dir.File("calls.log");

    private IReadOnlyList<string> Recorded => ToolShims.Recorded(Calls);

    [Fact]
    public async Task Fix_FfmpegFails_NotFixableAndNoTempFolderLeft()
    {
        var tools = Shimmed(tool => tool == "ffmpeg"
            ? "if [ \"$1\" = -version ]; then exec /usr/bin/ffmpeg -version; fi; echo 'refused by the test' >&2; exit 1"
            : ToolShims.RealTool(tool));
        var remediator = FixHarness.Over(tools);

        using var outcome = await remediator.FixAsync(Request(), new FixOptions(), CancellationToken.None);

        Assert.Equal(FixStatus.NotFixable, outcome.Report.Fix!.Status);
        Assert.Contains("refused by the test", outcome.Report.Fix.Reason);
        Assert.Null(outcome.OutputPath);
        // ffmpeg did run, on a link in the private temp folder: the folders looked at below are this fix's.
        Assert.Single(Recorded, c => c.StartsWith("ffmpeg -nostdin", StringComparison.Ordinal) && c.Contains($"-i {_temp.Path}/preflight-probe-", StringComparison.Ordinal));
        Assert.Empty(_temp.Leftovers);
    }

    [Fact]
    public async Task Fix_OutputStillFailsReinspection_NotFixableAndNoTempFolderLeft()
    {
        string? output = null;
        var remediator = new Remediator(async (request, options, ct) =>
        {
            var report = await h.Inspector.InspectAsync(request, options, ct);
            if (request.FilePath == _input) return report;
            output = request.FilePath;
            return report with { Verdict = Verdict.Fail, Findings = [.. report.Findings, Finding.Error(FindingCodes.FileCorrupt, "refused by the test")] };
        }, h.Tools);

        using var outcome = await remediator.FixAsync(Request(), new FixOptions(), CancellationToken.None);

        Assert.Equal(FixStatus.NotFixable, outcome.Report.Fix!.Status);
        Assert.Contains("still fails after fixing: refused by the test", outcome.Report.Fix.Reason);
        Assert.Null(outcome.OutputPath);
        Assert.StartsWith(Path.Combine(_temp.Path, "preflight-fix-"), output);
        Assert.False(Directory.Exists(Path.GetDirectoryName(output)));
        Assert.Empty(_temp.Leftovers);
    }

    [Fact]
    public async Task Fix_ReinspectionThrows_ExceptionEscapesAndNoTempFolderLeft()
    {
        string? output = null;
        var remediator = new Remediator((request, options, ct) =>
        {
            if (request.FilePath == _input) return h.Inspector.InspectAsync(request, options, ct);
            output = request.FilePath;
            throw new IOException("refused by the test");
        }, h.Tools);

        var error = await Assert.ThrowsAsync<IOException>(() => remediator.FixAsync(Request(), new FixOptions(), CancellationToken.None));

        Assert.Equal("refused by the test", error.Message);
        Assert.StartsWith(Path.Combine(_temp.Path, "preflight-fix-"), output);
        Assert.False(Directory.Exists(Path.GetDirectoryName(output)));
        Assert.Empty(_temp.Leftovers);
    }

    [Fact(Timeout = 60_000)]
    public async Task Fix_CancelledWhileFfmpegRuns_NoProcessNorTempFolderLeft()
    {
        var marker = Random.Shared.Next(100_000, 900_000).ToString(CultureInfo.InvariantCulture);
        var tools = Shimmed(tool => tool == "ffmpeg"
            ? $"if [ \"$1\" = -version ]; then exec /usr/bin/ffmpeg -version; fi; exec sleep {marker}"
            : ToolShims.RealTool(tool));
        var remediator = FixHarness.Over(tools);
        using var cancel = new CancellationTokenSource();
        var fixing = remediator.FixAsync(Request(), new FixOptions(), cancel.Token);

        while (MediaToolsSamples.ProcessesWithCommandLine("sleep " + marker).Count == 0 && !fixing.IsCompleted)
            await Task.Delay(50);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fixing);
        Assert.Empty(MediaToolsSamples.ProcessesWithCommandLine("sleep " + marker));
        Assert.Single(Recorded, c => c.StartsWith("ffmpeg -nostdin", StringComparison.Ordinal));
        Assert.Empty(_temp.Leftovers);
    }

    private InspectionRequest Request() => new(_input, "cleanup.mkv");

    private MediaTools Shimmed(Func<string, string> body) => ToolShims.Tools(_dir.File("shim-bin"), Calls, body);

    public void Dispose()
    {
        _temp.Dispose();
        _dir.Dispose();
    }

    /// <summary>
    /// TMPDIR (where <see cref="Directory.CreateTempSubdirectory(string?)"/> creates every temp folder of the engine)
    /// pointed at a folder of this test, so what is left there is this test's alone, whatever other test processes leave in
    /// the shared temp folder. Only for tests that run alone (<see cref="PrivateTempCollection"/>).
    /// </summary>
    private sealed class PrivateTemp : IDisposable
    {
        private readonly string? _previous = Environment.GetEnvironmentVariable("TMPDIR");

        public PrivateTemp(string path)
        {
            Path = Directory.CreateDirectory(path).FullName;
            Environment.SetEnvironmentVariable("TMPDIR", Path);
            Assert.Equal(Path, System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetTempPath()));
        }

        public string Path { get; }

        public IReadOnlyList<string> Leftovers => [.. Directory.EnumerateDirectories(Path)
            .Select(d => System.IO.Path.GetFileName(d))
            .Where(n => n.StartsWith("preflight-fix-", StringComparison.Ordinal) || n.StartsWith("preflight-probe-", StringComparison.Ordinal))];

        public void Dispose() => Environment.SetEnvironmentVariable("TMPDIR", _previous);
    }
}
