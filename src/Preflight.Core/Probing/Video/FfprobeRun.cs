using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FFMpegCore;
using FFMpegCore.Exceptions;
using Instances;

namespace Preflight.Core.Probing.Video;

/// <summary>
/// <c>FFProbe.AnalyseAsync</c> as FFMpegCore 6 runs it (its binary path, arguments, process runner and exceptions;
/// its <c>-version</c> check is <see cref="MediaTools.CheckAvailability"/>, done when a probe failed), with ffprobe's JSON
/// answer read into <see cref="FfprobeOutput"/> by build-time metadata. FFMpegCore reads it by reflection into a DTO
/// with internal setters, and the Native AOT CLI has no reflection-based JSON: every probe of a format ffprobe reads
/// for us (MPEG-TS, Matroska, WebM, ...) failed there with "Reflection-based serialization has been disabled".
/// </summary>
internal static class FfprobeRun
{
    /// <summary>The arguments FFMpegCore 6's stream analysis passes, in its order (the input path, then ours).</summary>
    private const string AnalysisArguments = "-loglevel error -print_format json -show_format -sexagesimal -show_streams -show_chapters";

    /// <exception cref="FFProbeProcessException">ffprobe exited with a non-zero code.</exception>
    /// <exception cref="FormatNullException">ffprobe's answer names no container format.</exception>
    /// <exception cref="JsonException">ffprobe's answer is not the JSON it should be.</exception>
    public static async Task<FfprobeOutput> AnalyseAsync(string path, FFOptions options, string customArguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(GlobalFFOptions.GetFFProbeBinaryPath(options), $"{AnalysisArguments} \"{path}\" {customArguments}")
        {
            StandardOutputEncoding = options.Encoding,
            StandardErrorEncoding = options.Encoding,
            WorkingDirectory = options.WorkingDirectory,
        };
        var result = await new ProcessArguments(start).StartAndWaitForExitAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (result.ExitCode != 0)
            throw new FFProbeProcessException(result.ExitCode, result.ErrorData);
        return Parse(string.Join("\n", result.OutputData));
    }

    /// <summary>ffprobe's <c>-print_format json</c> answer (property names case-insensitive, as FFMpegCore reads them).</summary>
    /// <exception cref="FormatNullException">The answer names no container format.</exception>
    internal static FfprobeOutput Parse(string json)
    {
        var output = JsonSerializer.Deserialize(json, FfprobeJsonContext.Default.FfprobeOutput);
        return output?.Format is null ? throw new FormatNullException() : output;
    }
}

/// <summary>What Preflight reads of ffprobe's <c>-show_format -show_streams</c> JSON (the names are ffprobe's).</summary>
internal sealed record FfprobeOutput
{
    [JsonPropertyName("streams")] public List<FfprobeStream>? Streams { get; init; }
    [JsonPropertyName("format")] public FfprobeFormat? Format { get; init; }
}

internal sealed record FfprobeFormat
{
    [JsonPropertyName("format_name")] public string? FormatName { get; init; }
    [JsonPropertyName("duration")] public string? Duration { get; init; }
}

internal sealed record FfprobeStream
{
    [JsonPropertyName("codec_type")] public string? CodecType { get; init; }
    [JsonPropertyName("codec_name")] public string? CodecName { get; init; }
    [JsonPropertyName("width")] public int? Width { get; init; }
    [JsonPropertyName("height")] public int? Height { get; init; }
    [JsonPropertyName("avg_frame_rate")] public string? AvgFrameRate { get; init; }
    [JsonPropertyName("r_frame_rate")] public string? FrameRate { get; init; }
    [JsonPropertyName("sample_rate")] public string? SampleRate { get; init; }
    [JsonPropertyName("channels")] public int? Channels { get; init; }
    [JsonPropertyName("bits_per_sample")] public int BitsPerSample { get; init; }
    [JsonPropertyName("bits_per_raw_sample")] public string? BitsPerRawSample { get; init; }
    [JsonPropertyName("duration")] public string? Duration { get; init; }
    [JsonPropertyName("tags")] public Dictionary<string, string>? Tags { get; init; }
    [JsonPropertyName("disposition")] public Dictionary<string, int>? Disposition { get; init; }
    [JsonPropertyName("side_data_list")] public List<Dictionary<string, JsonValue>>? SideData { get; init; }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(FfprobeOutput))]
internal sealed partial class FfprobeJsonContext : JsonSerializerContext;
