using Preflight.Core.Probing;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Probing.Video;

/// <summary>
/// Tool availability in two stages: a located tool is run straight away; its <c>-version</c> check runs only when asked
/// for (health) or after a failed run, and a tool it finds broken is a missing tool, as when the check ran first.
/// Every tool here is a shim in <see cref="MediaToolsOptions.BinaryFolder"/> that records how it was called.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MediaToolsVerificationTests(MediaToolsSamples samples) : IClassFixture<MediaToolsSamples>, IDisposable
{
    private readonly TempDir _dir = new();

    private string Calls => _dir.File("calls.log");

    private IReadOnlyList<string> Recorded => File.Exists(Calls) ? File.ReadAllLines(Calls) : [];

    [Fact]
    public async Task ProbeDecodeConvertStill_WorkingTools_StartNoVersionProcess()
    {
        var shim = Shims(ToolShims.RealTool);
        var tools = new MediaTools(new MediaToolsOptions { BinaryFolder = shim });
        var destination = _dir.File("fixed.mp4");

        var probe = await tools.ProbeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None);
        var decode = await tools.DecodeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None);
        var conversion = await tools.ConvertAsync(
            new ConversionRequest(samples.Mp4, KnownFormats.Mp4, "", "-map 0 -c copy", "mp4", destination, 2),
            CancellationToken.None);
        var still = await tools.RenderStillAsync(samples.Mp4, KnownFormats.Mp4, "", "-frames:v 1", "jpg",
            TimeSpan.FromSeconds(30), 10_000_000, CancellationToken.None);

        Assert.Empty(probe.Findings);
        Assert.Equal("h264", probe.Media.VideoCodec);
        Assert.Empty(decode);
        Assert.True(conversion.Succeeded, conversion.Problem);
        Assert.True(File.Exists(destination));
        Assert.NotNull(still);
        var calls = Recorded;
        Assert.Single(calls, c => c.StartsWith("ffprobe ", StringComparison.Ordinal));
        Assert.Equal(3, calls.Count(c => c.StartsWith("ffmpeg ", StringComparison.Ordinal)));
        Assert.DoesNotContain(calls, c => c.Contains("-version", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Runs_ToolCannotLoadItsLibraries_MissingToolAsWhenCheckedFirst()
    {
        var shim = Shims(tool => $"echo \"{tool}: error while loading shared libraries: libavdevice.so.59: cannot open shared object file\" >&2; exit 127");
        var tools = new MediaTools(new MediaToolsOptions { BinaryFolder = shim });

        var probe = await Assert.ThrowsAsync<MissingToolException>(
            () => tools.ProbeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None));
        var decode = await Assert.ThrowsAsync<MissingToolException>(
            () => tools.DecodeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None));
        var convert = await Assert.ThrowsAsync<MissingToolException>(() => tools.ConvertAsync(
            new ConversionRequest(samples.Mp4, KnownFormats.Mp4, "", "-c copy", "mp4", _dir.File("out.mp4"), 2),
            CancellationToken.None));
        var verifiedCalls = Recorded.Count;
        // Found broken: the next run is refused without starting the tool, as after a failed up-front check.
        await Assert.ThrowsAsync<MissingToolException>(
            () => tools.ProbeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None));
        var still = await tools.RenderStillAsync(samples.Mp4, KnownFormats.Mp4, "", "-frames:v 1", "jpg",
            TimeSpan.FromSeconds(30), 10_000_000, CancellationToken.None);
        var status = tools.CheckAvailability();

        Assert.Equal(("ffprobe", FfmpegToolset.InstallHint), (probe.Tool, probe.Hint));
        Assert.Equal("ffmpeg", decode.Tool);
        Assert.Equal("ffmpeg", convert.Tool);
        Assert.Null(still);
        Assert.Equal(verifiedCalls, Recorded.Count);
        // One real run each, then one '-version' each (side by side, once): no retries.
        Assert.Equal(2, Recorded.Count(c => c.EndsWith(" -version", StringComparison.Ordinal)));
        Assert.False(status.FfprobeAvailable);
        Assert.False(status.FfmpegAvailable);
        Assert.Contains("failed to run (exit code 127)", status.Problem);
        Assert.Contains("sudo apt-get install ffmpeg", status.Problem);
    }

    [Fact]
    public async Task Probe_GarbageBinary_MissingToolAndCheckSaysItCannotRun()
    {
        var folder = Directory.CreateDirectory(_dir.File("garbage-bin")).FullName;
        foreach (var tool in new[] { "ffprobe", "ffmpeg" })
        {
            // An ELF magic with nothing behind it: executable by its mode, not by the kernel.
            var path = Path.Combine(folder, tool);
            File.WriteAllBytes(path, [0x7F, (byte)'E', (byte)'L', (byte)'F', .. new byte[60]]);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var tools = new MediaTools(new MediaToolsOptions { BinaryFolder = folder });

        var probe = await Assert.ThrowsAsync<MissingToolException>(
            () => tools.ProbeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None));
        var decode = await Assert.ThrowsAsync<MissingToolException>(
            () => tools.DecodeAsync(samples.Wav, KnownFormats.Wav, CancellationToken.None));

        Assert.Equal("ffprobe", probe.Tool);
        Assert.Equal("ffmpeg", decode.Tool);
        Assert.Contains("cannot run", tools.CheckAvailability().Problem);
    }

    [Fact]
    public async Task FailedRuns_WorkingTool_VerifiedOnceAndTheFileIsBlamed()
    {
        var shim = Shims(tool => $"if [ \"$1\" = -version ]; then echo '{tool} version 0.0-fake'; exit 0; fi\n"
                                 + "echo 'moov atom not found' >&2; exit 1");
        var tools = new MediaTools(new MediaToolsOptions { BinaryFolder = shim });

        var first = await tools.ProbeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None);
        var second = await tools.ProbeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None);
        var decode = await tools.DecodeAsync(samples.Mp4, KnownFormats.Mp4, CancellationToken.None);
        var conversion = await tools.ConvertAsync(
            new ConversionRequest(samples.Mp4, KnownFormats.Mp4, "", "-c copy", "mp4", _dir.File("out.mp4"), 2),
            CancellationToken.None);

        Assert.Equal(FindingCodes.FileCorrupt, Assert.Single(first.Findings).Code);
        Assert.Contains("moov atom not found", first.Findings[0].Message);
        Assert.Equal(FindingCodes.FileCorrupt, Assert.Single(second.Findings).Code);
        Assert.Equal(FindingCodes.FileCorrupt, Assert.Single(decode).Code);
        Assert.Equal("ffmpeg could not write the output: moov atom not found", conversion.Problem);
        Assert.Equal(["ffmpeg -version", "ffprobe -version"],
            Recorded.Where(c => c.EndsWith(" -version", StringComparison.Ordinal)).Order());
    }

    [Fact]
    public async Task CheckAvailability_AsksBothToolsAndReportsTheVersion()
    {
        var shim = Shims(ToolShims.RealTool);
        var tools = new MediaTools(new MediaToolsOptions { BinaryFolder = shim });

        var status = await tools.CheckAvailabilityAsync(CancellationToken.None);

        Assert.True(status.FfprobeAvailable && status.FfmpegAvailable, status.Problem);
        Assert.Equal(FfmpegToolset.VersionOf("ffprobe", MediaToolsSamples.Run("/usr/bin/ffprobe", ["-version"]).Stdout.Split('\n')[0]),
            status.FfprobeVersion);
        Assert.Matches(@"^\d", status.FfprobeVersion);
        Assert.Equal(["ffmpeg -version", "ffprobe -version"], Recorded.Order());
    }

    /// <summary>ffprobe and ffmpeg scripts that record "TOOL ARGS" in <see cref="Calls"/>, then run <paramref name="body"/>.</summary>
    private string Shims(Func<string, string> body) => ToolShims.Create(_dir.File("shim-bin"), Calls, body);

    public void Dispose() => _dir.Dispose();
}
