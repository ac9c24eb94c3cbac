using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Preflight.Core.Reports;

namespace Preflight.Core.Probing.Video;

/// <summary>
/// Maps ffprobe's answer (<see cref="FfprobeOutput"/>, read by <see cref="FfprobeRun"/>) to our <see cref="MediaFacts"/>.
/// Pure: no process, no file, so it is unit-tested with hand-built analyses.
/// </summary>
internal static class FfprobeNormaliser
{
    public static MediaFacts Normalise(FfprobeOutput analysis)
    {
        var streams = analysis.Streams ?? [];
        // Cover art in MP3/M4A is a one-frame "video" stream; it does not make the file a video.
        var video = streams.FirstOrDefault(s => IsType(s, "video") && !IsAttachedPicture(s));
        var audio = streams.FirstOrDefault(s => IsType(s, "audio"));

        int? width = null, height = null, rotation = null;
        if (video is not null)
        {
            width = Positive(video.Width);
            height = Positive(video.Height);
            rotation = Rotation(video);
            if (rotation is 90 or 270)
                (width, height) = (height, width);
        }

        return new MediaFacts
        {
            Width = width,
            Height = height,
            DurationSeconds = Duration(analysis, video, audio),
            VideoCodec = Name(video?.CodecName),
            AudioCodec = Name(audio?.CodecName),
            FrameRate = video is null ? null : ParseRate(video.AvgFrameRate) ?? ParseRate(video.FrameRate),
            SampleRate = audio is null ? null : Positive(ParseInt(audio.SampleRate)),
            Channels = audio is null ? null : Positive(audio.Channels),
            BitDepth = audio is null ? null : BitDepth(audio),
            Rotation = rotation,
        };
    }

    /// <summary>
    /// Clockwise degrees a player turns the stored picture, 0..359 — the convention of the legacy <c>rotate</c>
    /// tag and of the in-process MP4 reader. ffprobe's display-matrix <c>rotation</c> is counter-clockwise
    /// (an iPhone portrait clip says -90), so it is negated. Only 90/270 change the displayed size.
    /// </summary>
    internal static int Rotation(FfprobeStream stream)
    {
        double? degrees = null;
        foreach (var sideData in stream.SideData ?? [])
        {
            if (sideData.TryGetValue("side_data_type", out var type) && AsString(type) == "Display Matrix"
                && sideData.TryGetValue("rotation", out var value))
            {
                degrees = -AsDouble(value);
                break;
            }
        }

        if (degrees is null && stream.Tags is not null && stream.Tags.TryGetValue("rotate", out var tag))
            degrees = ParseDouble(tag);

        if (degrees is not { } d || !double.IsFinite(d))
            return 0;
        var whole = (int)Math.Round(d % 360);
        return ((whole % 360) + 360) % 360;
    }

    /// <summary>ffprobe durations come as seconds ("2.000000") or, through FFMpegCore, sexagesimal ("0:00:02.000000").</summary>
    internal static double? ParseDuration(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text == "N/A")
            return null;
        double seconds = 0;
        foreach (var part in text.Trim().Split(':'))
        {
            if (ParseDouble(part) is not { } value || value < 0)
                return null;
            seconds = seconds * 60 + value;
        }
        return double.IsFinite(seconds) ? Math.Round(seconds, 3) : null;
    }

    /// <summary>"30000/1001" → 29.97; "0/0" (unknown) → null.</summary>
    internal static double? ParseRate(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var parts = text.Split('/');
        var numerator = ParseDouble(parts[0]);
        var denominator = parts.Length == 2 ? ParseDouble(parts[1]) : 1;
        if (parts.Length > 2 || numerator is not > 0 || denominator is not > 0)
            return null;
        var rate = numerator.Value / denominator.Value;
        return double.IsFinite(rate) ? Math.Round(rate, 3) : null;
    }

    private static double? Duration(FfprobeOutput analysis, FfprobeStream? video, FfprobeStream? audio)
    {
        var format = ParseDuration(analysis.Format?.Duration);
        if (format is > 0)
            return format;
        var streams = new[] { ParseDuration(video?.Duration), ParseDuration(audio?.Duration) };
        return streams.Where(d => d is > 0).Max();
    }

    /// <summary>Bit depth only where it means something: PCM and lossless codecs (not MP3/AAC).</summary>
    private static int? BitDepth(FfprobeStream audio)
    {
        var codec = audio.CodecName ?? "";
        if (codec.StartsWith("pcm_", StringComparison.Ordinal))
            return Positive(audio.BitsPerSample) ?? Positive(ParseInt(audio.BitsPerRawSample));
        if (codec is "flac" or "alac" or "wavpack")
            return Positive(ParseInt(audio.BitsPerRawSample)) ?? Positive(audio.BitsPerSample);
        return null;
    }

    private static bool IsType(FfprobeStream stream, string type) =>
        string.Equals(stream.CodecType, type, StringComparison.OrdinalIgnoreCase);

    private static bool IsAttachedPicture(FfprobeStream stream) =>
        stream.Disposition is not null && stream.Disposition.TryGetValue("attached_pic", out var flag) && flag != 0;

    private static string? Name(string? codec) => string.IsNullOrWhiteSpace(codec) ? null : codec;

    private static int? Positive(int? value) => value is > 0 ? value : null;

    private static int? ParseInt(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static double? ParseDouble(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string? AsString(JsonValue? value) =>
        value is not null && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value?.ToString();

    private static double? AsDouble(JsonValue? value) => value?.GetValueKind() switch
    {
        JsonValueKind.Number => value.TryGetValue<double>(out var d) ? d : ParseDouble(value.ToString()),
        JsonValueKind.String => ParseDouble(value.GetValue<string>()),
        _ => null,
    };
}
