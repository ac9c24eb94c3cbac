using System.Text.Json;
using FFMpegCore;
using FFMpegCore.Exceptions;
using Preflight.Core.Probing.Video;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Probing.Video;

/// <summary>
/// <see cref="FfprobeRun"/> replaces <c>FFProbe.AnalyseAsync</c> because FFMpegCore reads ffprobe's JSON by reflection
/// (absent in the Native AOT CLI). Here, where reflection exists, both run on the same files: the facts Preflight takes
/// from them, and the failures, must be the same.
/// </summary>
public sealed class FfprobeRunTests
{
    public static TheoryData<string> Files()
    {
        var media = new[] { ".mp4", ".mov", ".m4v", ".mkv", ".webm", ".ts", ".avi", ".mp3", ".wav", ".flac", ".ogg", ".m4a", ".aac", ".opus", ".jpg", ".png", ".gif", ".webp", ".html" };
        var files = new[] { "valid", "real-world", "unsupported", "mislabeled", "corrupt" }
            .SelectMany(folder => Directory.EnumerateFiles(RepoPaths.TestFile(folder)))
            .Where(f => media.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Select(f => Path.GetRelativePath(RepoPaths.TestData, f))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(files.Count >= 20, "expected a broad sample of testdata, found " + files.Count);
        return [.. files];
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task AnalyseAsync_SameFieldsAndFailuresAsFFMpegCore(string relative)
    {
        var path = Path.Combine(RepoPaths.TestData, relative);

        var theirs = await Outcome(async () => Project(await FFProbe.AnalyseAsync(path)));
        var ours = await Outcome(async () => Project(await FfprobeRun.AnalyseAsync(path, new FFOptions(), "", CancellationToken.None)));

        Assert.Equal(theirs, ours);
    }

    [Fact]
    public void Parse_NoFormat_IsFormatNull()
    {
        Assert.Throws<FormatNullException>(() => FfprobeRun.Parse("""{"streams": []}"""));
        Assert.ThrowsAny<JsonException>(() => FfprobeRun.Parse("<html>"));
    }

    /// <summary>Every field <see cref="FfprobeNormaliser"/> reads, from FFMpegCore's analysis.</summary>
    private static string Project(IMediaAnalysis analysis) => Lines(
        analysis.Raw.Format?.Duration,
        (analysis.Raw.Streams ?? []).Select(s => Fields(s.CodecType, s.CodecName, s.Width, s.Height, s.AvgFrameRate, s.FrameRate, s.SampleRate,
            s.Channels, s.BitsPerSample, s.BitsPerRawSample, s.Duration, s.Tags, s.Disposition, s.SideData?.Select(d => d.ToDictionary(e => e.Key, e => e.Value?.ToJsonString())))));

    /// <summary>The same fields from Preflight's own reading.</summary>
    private static string Project(FfprobeOutput output) => Lines(
        output.Format?.Duration,
        (output.Streams ?? []).Select(s => Fields(s.CodecType, s.CodecName, s.Width, s.Height, s.AvgFrameRate, s.FrameRate, s.SampleRate,
            s.Channels, s.BitsPerSample, s.BitsPerRawSample, s.Duration, s.Tags, s.Disposition, s.SideData?.Select(d => d.ToDictionary(e => e.Key, e => e.Value?.ToJsonString())))));

    private static string Lines(string? duration, IEnumerable<string> streams) => string.Join("\n", streams.Prepend("format duration " + duration));

    private static string Fields(params object?[] values) => string.Join(" | ", values.Select(v => v switch
    {
        null => "-",
        string text => text,
        System.Collections.IDictionary map => string.Join(",", map.Keys.Cast<object>().Select(k => $"{k}={map[k]}").Order(StringComparer.Ordinal)),
        IEnumerable<Dictionary<string, string?>> list => string.Join(";", list.Select(d => Fields(d))),
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
    }));

    private static async Task<string> Outcome(Func<Task<string>> analyse)
    {
        try
        {
            return await analyse();
        }
        catch (Exception e) when (e is FFProbeProcessException or FormatNullException or JsonException)
        {
            // ffprobe names its demuxer context by address ("[mp3 @ 0x55b7a965c180]"), different in every run.
            return e is FFProbeProcessException p
                ? $"exit {p.ExitCode}: " + System.Text.RegularExpressions.Regex.Replace(string.Join("|", p.StandardError), "@ 0x[0-9a-f]+", "@ ADDRESS")
                : e.GetType().Name;
        }
    }
}
