using System.Globalization;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Remediation;

/// <summary>What the planner knows about a failing file besides its check report.</summary>
/// <param name="Facts">Media facts: the check's own, or ffprobe's for formats the check does not probe.</param>
/// <param name="FactsProblem">Why no facts could be read (ffprobe failed on the file), else null.</param>
/// <param name="StreamedWav">A WAV whose data size says "length unknown" (written to a pipe).</param>
/// <param name="SizeMargin">Set on a retry: aim the bitrate at this share of the size limit.</param>
internal sealed record FixInput(
    FileReport Report,
    MediaFacts Facts,
    string? FactsProblem,
    bool StreamedWav,
    double? SizeMargin = null);

/// <summary>
/// Plans the smallest set of operations that makes a failing file pass the profile (and plan). Pure: the facts are
/// gathered by <see cref="Remediator"/>, so every decision here is unit-testable without a tool.
/// </summary>
internal static class FixPlanner
{
    public const double DefaultSizeMargin = 0.92;
    private const int AudioKbps = 160;
    private const int SizeAudioKbps = 128;
    private const int MinVideoKbps = 100;
    private const int Mp3Kbps = 192;

    public static FixPlan Plan(FixInput input, FixOptions options)
    {
        var report = input.Report;
        var format = report.Detected?.Format ?? KnownFormats.Unknown;

        if (Refusal(report, format) is { } refusal)
            return refusal;

        var family = FormatFamilies.FamilyOf(format);
        if (report.Kind == AssetKind.Video && family == AssetKind.Audio)
            return NotFixable($"The file is {FormatFamilies.Describe(format)}: a video slot needs a video stream, and a fix cannot invent one.");
        if (report.Findings.Any(f => f.Code == FindingCodes.MediaNoVideoStream))
        {
            // An audio-only MP4 outside a video slot (a '.m4a' with the 'isom' brand ffmpeg writes by default, or an
            // upload declared audio) is audio: converted as an M4A is. In a video slot nothing can make it pass.
            if (report.Kind == AssetKind.Video || family != AssetKind.Video || input.Facts.AudioCodec is null)
                return NotFixable("The video file has no video stream: a fix cannot invent one.");
            family = AssetKind.Audio;
        }

        var corrupt = report.Findings.FirstOrDefault(f => f.Code == FindingCodes.FileCorrupt && f.Severity == Severity.Error);
        if (corrupt is not null && !input.StreamedWav)
        {
            if (family == AssetKind.Image)
                return NotFixable($"The image is damaged ({corrupt.Message}); {options.AskWith.Salvage} keeps the decodable part of audio and video only.");
            if (!options.Salvage)
                return new NoFix(FixStatus.NeedsOption, $"The file is damaged ({corrupt.Message}). Run with {options.AskWith.Salvage} to keep the part that still decodes; what is lost is reported.", FixOps.Salvage);
        }

        return family switch
        {
            AssetKind.Video => Video(input, options, format, salvage: corrupt is not null),
            AssetKind.Audio => Audio(input, options, format, salvage: corrupt is not null && !input.StreamedWav),
            AssetKind.Image => Image(input, options, format),
            _ => NotFixable($"The file is {FormatFamilies.Describe(format)}, not audio, video or an image."),
        };
    }

    /// <summary>Files no operation can turn into media: said plainly, never attempted.</summary>
    private static NoFix? Refusal(FileReport report, string format)
    {
        if (report.Findings.FirstOrDefault(f => f.Code is FindingCodes.FileEmpty) is not null)
            return NotFixable("The file is empty: there is nothing to fix.");
        if (report.Findings.FirstOrDefault(f => f.Code is FindingCodes.FileUnreadable) is { } unreadable)
            return NotFixable(unreadable.Message);
        if (report.Findings.FirstOrDefault(f => f.Code is FindingCodes.ProbeFailed or FindingCodes.ProbeTimeout) is { } probe)
            return NotFixable($"The file could not be inspected, so it is not fixed: {probe.Message}");
        return format switch
        {
            KnownFormats.Html => NotFixable("The file is a web page (HTML), not media: usually an error or login page saved under a media name. Download the real file."),
            KnownFormats.Hls => NotFixable("The file is an HLS playlist (text that points at other files), not media: it is never opened by ffmpeg. Download the media it lists."),
            KnownFormats.FfConcat => NotFixable("The file is an ffconcat script (text that names other files), not media: it is never opened by ffmpeg."),
            KnownFormats.Pdf => NotFixable("The file is a PDF document, not media."),
            KnownFormats.Zip => NotFixable("The file is a ZIP archive: unpack it and fix the media inside."),
            KnownFormats.Xml => NotFixable("The file is an XML document, not media."),
            KnownFormats.Json => NotFixable("The file is a JSON document, not media."),
            KnownFormats.Text => NotFixable("The file is plain text, not media."),
            KnownFormats.Svg => NotFixable("The file is an SVG (vector drawing): rasterise it to PNG with a vector tool; Preflight does not render SVG."),
            KnownFormats.Heif or KnownFormats.Avif => NotFixable($"The file is a {format.ToUpperInvariant()} image, which ImageSharp 2.1 cannot decode; export it as JPEG or PNG."),
            KnownFormats.Empty => NotFixable("The file is empty: there is nothing to fix."),
            KnownFormats.Unknown => NotFixable("The bytes match no known media format (damaged or not media), so nothing may read them."),
            _ => null,
        };
    }

    private static FixPlan Video(FixInput input, FixOptions options, string format, bool salvage)
    {
        var report = input.Report;
        var profile = options.Profile;
        var m = input.Facts;
        if (input.FactsProblem is { } problem)
            return NotFixable(salvage ? $"Nothing in the file could be read, so nothing can be salvaged: {problem}" : $"The video could not be read: {problem}");
        if (m.VideoCodec is null && m.Width is null)
            return NotFixable("The file has no video stream: a fix cannot invent one.");
        if (!Probing.Video.MediaTools.CanConvertFrom(format))
            return NotFixable($"{FormatFamilies.Describe(format)} is not opened by ffmpeg here.");

        var limits = profile.LimitsFor(AssetKind.Video)!;
        var plan = profile.PlanOrNull(options.Plan);
        var ops = new List<FixOperation>();

        // Scale: the kind's "<N px" box and the plan's resolution, in the displayed orientation.
        int? targetW = null, targetH = null;
        var scale = false;
        if (m is { Width: { } w, Height: { } h })
        {
            var (boxW, boxH) = Box(limits, plan, landscape: w >= h);
            var factor = Math.Min(1.0, Math.Min(boxW / (double)w, boxH / (double)h));
            targetW = Even(w * factor);
            targetH = Even(h * factor);
            scale = factor < 1.0;
            if (scale)
                ops.Add(new FixOperation(FixOps.Scale, $"{w}x{h} → {targetW}x{targetH} (aspect ratio and display orientation kept)"));
        }

        // Trim: the plan's length (and the kind's, if a profile has one).
        var maxSeconds = Min(limits.MaxDurationSeconds?.Value, plan?.MaxVideoSeconds?.Value);
        double? trimTo = null;
        if (maxSeconds is { } max && m.DurationSeconds is { } seconds && seconds > max)
        {
            var why = plan?.MaxVideoSeconds is { } pm && pm.Value == max
                ? $"the {plan.Title} plan allows {FileRules.Seconds(max)}"
                : $"video may last at most {FileRules.Seconds(max)}";
            if (!options.Trim)
                return new NoFix(FixStatus.NeedsOption, $"The video lasts {FileRules.Seconds(seconds)}; {why}. Run with {options.AskWith.Trim} to cut it to {FileRules.Seconds(max)} (the rest is dropped).", FixOps.Trim);
            trimTo = max;
            ops.Add(new FixOperation(FixOps.Trim, $"{FileRules.Seconds(seconds)} → {FileRules.Seconds(max)} ({why}); re-encoded so the cut is exact"));
        }

        var outSeconds = trimTo ?? m.DurationSeconds;
        // Size: aim a bitrate at the limit when the input is over it (or a re-encode overshot it).
        int? videoKbps = null;
        var margin = input.SizeMargin ?? (report.SizeBytes > limits.MaxBytes.Value ? DefaultSizeMargin : (double?)null);
        if (margin is { } share)
        {
            if (outSeconds is not > 0)
                return NotFixable("The video is over the size limit and its duration is unknown, so no bitrate can be chosen.");
            var totalKbps = limits.MaxBytes.Value * 8 * share / 1000 / outSeconds.Value;
            videoKbps = (int)(totalKbps - (m.AudioCodec is null ? 0 : SizeAudioKbps));
            if (videoKbps < MinVideoKbps)
                return NotFixable($"{FileRules.Seconds(outSeconds.Value)} of video cannot fit in {FileRules.Megabytes(profile, limits.MaxBytes.Value)} at a usable quality (it would need under {MinVideoKbps} kb/s).");
            ops.Add(new FixOperation(FixOps.Bitrate, $"re-encoded at {videoKbps} kb/s video{(m.AudioCodec is null ? "" : $" + {SizeAudioKbps} kb/s audio")} to land under {FileRules.Megabytes(profile, limits.MaxBytes.Value)} ({share:P0} of the limit)"));
        }

        // Codecs: a stream is copied only when the profile accepts its codec (when it names codecs) and MP4 carries it
        // as it is: H.264 and AAC from any container; from an MP4-family file also the codecs MP4 defines a sample
        // entry for (a MOV's ProRes or PCM has none: ffmpeg refuses to copy them into MP4). Anything else is transcoded.
        var mp4Family = format is KnownFormats.Mp4 or KnownFormats.Mov or KnownFormats.ThreeGp;
        var videoCopyable = m.VideoCodec is { } videoCodec && Accepts(limits.VideoCodecs, videoCodec)
            && (videoCodec == "h264" || (mp4Family && videoCodec is "hevc" or "av1" or "mpeg4"));
        var audioCopyable = m.AudioCodec is not { } audioCodec
            || (Accepts(limits.AudioCodecs, audioCodec) && (audioCodec == "aac" || (mp4Family && audioCodec is "mp3" or "ac3" or "eac3" or "alac")));
        var encodeVideo = !videoCopyable || scale || trimTo is not null || videoKbps is not null || salvage;
        var encodeAudio = m.AudioCodec is not null && (!audioCopyable || trimTo is not null || salvage);

        var changed = new List<string>();
        if (!videoCopyable) changed.Add($"video {m.VideoCodec ?? "?"} → h264");
        if (m.AudioCodec is not null && !audioCopyable) changed.Add($"audio {m.AudioCodec} → aac");
        if (changed.Count > 0)
            ops.Insert(0, new FixOperation(FixOps.Transcode, string.Join(", ", changed)));

        if (format != KnownFormats.Mp4)
        {
            var copyNote = encodeVideo || encodeAudio ? "" : ", streams copied (no re-encode)";
            ops.Insert(0, new FixOperation(FixOps.Remux, $"{format} → mp4 container{copyNote}"));
        }
        if (salvage)
            ops.Insert(0, new FixOperation(FixOps.Salvage, "decode errors skipped; the decodable part re-encoded"));

        // A late 'moov' is only a warning, so it is fixed when the file is rewritten anyway (a rename included).
        var notFaststart = report.Findings.Any(f => f.Code == FindingCodes.VideoNotFaststart);
        if (ops.Count == 0)
        {
            if (!OnlyNameIsWrong(report))
                return NotFixable(Unexplained(report));
            if (!notFaststart)
                return Rename(options.Profile, format);
            ops.Add(Rename(options.Profile, format).Operations[0] with { Detail = $"the bytes are {FormatFamilies.Describe(format)}: written with the extension '.mp4'" });
        }
        if (notFaststart && !encodeVideo && !encodeAudio)
            ops.Add(new FixOperation(FixOps.Faststart, "'moov' moved before 'mdat', streams copied (no re-encode)"));

        var output = new List<string> { "-map 0:v:0", "-map 0:a:0?", "-map_metadata 0" };
        if (encodeVideo)
        {
            output.Add("-c:v libx264 -preset veryfast -pix_fmt yuv420p");
            output.Add(videoKbps is { } kbps ? $"-b:v {kbps}k -maxrate {kbps}k -bufsize {kbps * 2}k" : "-crf 20");
            // ffmpeg turns the picture upright before filters, so the size is the displayed one; H.264 4:2:0 needs even sides.
            if (targetW is { } tw && targetH is { } th)
                output.Add($"-vf scale={tw}:{th}");
        }
        else
        {
            output.Add("-c:v copy");
        }
        if (m.AudioCodec is not null)
            output.Add(encodeAudio ? $"-c:a aac -b:a {(videoKbps is null ? AudioKbps : SizeAudioKbps)}k" : "-c:a copy");
        if (trimTo is { } cut)
            output.Add("-t " + Number(cut));
        output.Add("-movflags +faststart");

        return new FfmpegFix(format, KnownFormats.Mp4, ".mp4",
            InputOptions: salvage ? SalvageInput : "",
            OutputOptions: string.Join(' ', output),
            MediaSeconds: m.DurationSeconds,
            Salvage: salvage,
            DeclaredSeconds: m.DurationSeconds,
            StreamCopy: !encodeVideo && !encodeAudio) { Operations = ops };
    }

    private const string SalvageInput = "-err_detect ignore_err -fflags +discardcorrupt+genpts";

    /// <summary>Whether a profile's codec list (none: any codec) has <paramref name="codec"/>, as the check compares them.</summary>
    private static bool Accepts(Limit<IReadOnlyList<string>>? codecs, string codec) =>
        codecs is null || codecs.Value.Contains(codec, StringComparer.OrdinalIgnoreCase);

    private static FixPlan Audio(FixInput input, FixOptions options, string format, bool salvage)
    {
        var report = input.Report;
        var profile = options.Profile;
        var m = input.Facts;
        if (input.FactsProblem is { } problem)
            return NotFixable(salvage ? $"Nothing in the file could be read, so nothing can be salvaged: {problem}" : $"The audio could not be read: {problem}");
        if (m.AudioCodec is null && m.SampleRate is null && !input.StreamedWav)
            return NotFixable("The file has no audio stream.");
        if (!Probing.Video.MediaTools.CanConvertFrom(format))
            return NotFixable($"{FormatFamilies.Describe(format)} is not opened by ffmpeg here.");

        var limits = profile.LimitsFor(AssetKind.Audio)!;
        var ops = new List<FixOperation>();
        if (salvage)
            ops.Add(new FixOperation(FixOps.Salvage, "decode errors skipped; the decodable part re-encoded"));

        double? trimTo = null;
        if (limits.MaxDurationSeconds is { } maxDur && m.DurationSeconds is { } seconds && seconds > maxDur.Value)
        {
            if (!options.Trim)
                return new NoFix(FixStatus.NeedsOption, $"The audio lasts {FileRules.Seconds(seconds)}; audio may last at most {FileRules.Seconds(maxDur.Value)} ({maxDur.Source}). Run with {options.AskWith.Trim} to cut it to {FileRules.Seconds(maxDur.Value)} (the rest is dropped).", FixOps.Trim);
            trimTo = maxDur.Value;
            ops.Add(new FixOperation(FixOps.Trim, $"{FileRules.Seconds(seconds)} → {FileRules.Seconds(maxDur.Value)}; re-encoded so the cut is exact"));
        }

        var accepted = limits.Formats.Contains(format);
        var outSeconds = trimTo ?? m.DurationSeconds;
        var tooLarge = report.SizeBytes > limits.MaxBytes.Value
                       && (trimTo is null || m.DurationSeconds is not > 0 || report.SizeBytes * (trimTo.Value / m.DurationSeconds.Value) > limits.MaxBytes.Value * DefaultSizeMargin);

        // Keep an accepted format when it already fits; lossless sources become WAV when WAV fits; else MP3.
        string target;
        if (accepted && !tooLarge)
            target = format;
        else if (format != KnownFormats.Mp3 && IsLossless(format, m) && WavBytes(m, outSeconds) is { } wavBytes && wavBytes <= limits.MaxBytes.Value * DefaultSizeMargin)
            target = KnownFormats.Wav;
        else
            target = KnownFormats.Mp3;

        var mp3Kbps = Mp3Kbps;
        if (target == KnownFormats.Mp3 && outSeconds is > 0)
        {
            var fitting = (int)(limits.MaxBytes.Value * 8 * DefaultSizeMargin / 1000 / outSeconds.Value);
            mp3Kbps = new[] { 192, 160, 128, 112, 96, 80, 64, 56, 48, 40, 32 }.FirstOrDefault(k => k <= fitting);
            if (mp3Kbps == 0)
                return NotFixable($"{FileRules.Seconds(outSeconds.Value)} of audio cannot fit in {FileRules.Megabytes(profile, limits.MaxBytes.Value)} even as 32 kb/s MP3.");
        }

        if (target != format)
        {
            var why = tooLarge ? $" to fit under {FileRules.Megabytes(profile, limits.MaxBytes.Value)}" : "";
            var how = target == KnownFormats.Mp3 ? $"MP3 {mp3Kbps} kb/s" : "PCM WAV";
            ops.Insert(salvage ? 1 : 0, new FixOperation(FixOps.AudioConvert, $"{format} ({m.AudioCodec ?? "?"}) → {how}{why}"));
        }
        else if (input.StreamedWav)
        {
            ops.Add(new FixOperation(FixOps.WavHeader, "header rewritten with the real data size (audio copied unchanged)"));
        }

        if (ops.Count == 0)
            return OnlyNameIsWrong(report) ? Rename(profile, format) : NotFixable(Unexplained(report));

        var reencode = target != format || trimTo is not null || salvage;
        var output = new List<string> { "-map 0:a:0", "-vn", "-map_metadata -1" };
        output.Add(!reencode ? "-c:a copy"
            : target == KnownFormats.Mp3 ? $"-c:a libmp3lame -b:a {mp3Kbps}k"
            : $"-c:a {WavCodec(m)}");
        if (trimTo is { } cut)
            output.Add("-t " + Number(cut));
        return new FfmpegFix(format, target, FileRules.PreferredExtension(profile, target),
            InputOptions: salvage ? SalvageInput : "",
            OutputOptions: string.Join(' ', output),
            MediaSeconds: m.DurationSeconds,
            Salvage: salvage,
            DeclaredSeconds: m.DurationSeconds) { Operations = ops };
    }

    private static FixPlan Image(FixInput input, FixOptions options, string format)
    {
        var report = input.Report;
        var profile = options.Profile;
        var limits = profile.LimitsFor(AssetKind.Image)!;
        var m = input.Facts;
        if (!ImageConversion.CanRead(format))
            return NotFixable($"{FormatFamilies.Describe(format)} is not read by the image converter.");

        var ops = new List<FixOperation>();
        var accepted = limits.Formats.Contains(format);
        var target = accepted ? format : KnownFormats.Png;
        if (!accepted)
            ops.Add(new FixOperation(FixOps.ImageConvert, $"{format} → png{(format == KnownFormats.Gif ? " (first frame)" : "")}"));

        int? maxSide = null;
        if (limits.MaxDimensionExclusive is { } maxDim && m is { Width: { } w, Height: { } h } && (w >= maxDim.Value || h >= maxDim.Value))
        {
            maxSide = maxDim.Value - 1;
            var factor = Math.Min(maxSide.Value / (double)w, maxSide.Value / (double)h);
            ops.Add(new FixOperation(FixOps.ImageScale, $"{w}x{h} → {Math.Max(1, (int)Math.Round(w * factor))}x{Math.Max(1, (int)Math.Round(h * factor))} (aspect ratio kept)"));
        }

        var tooLarge = report.SizeBytes > limits.MaxBytes.Value;
        var quality = 90;
        if (tooLarge && maxSide is null)
        {
            if (target == KnownFormats.Jpeg)
            {
                quality = 80;
                ops.Add(new FixOperation(FixOps.ImageConvert, $"jpeg re-encoded at quality {quality} to fit under {FileRules.Megabytes(profile, limits.MaxBytes.Value)}"));
            }
            else if (accepted)
            {
                target = KnownFormats.Jpeg;
                ops.Add(new FixOperation(FixOps.ImageConvert, $"png → jpeg (quality {quality}): as PNG it is over {FileRules.Megabytes(profile, limits.MaxBytes.Value)}"));
            }
        }

        if (ops.Count == 0)
            return OnlyNameIsWrong(report) ? Rename(profile, format) : NotFixable(Unexplained(report));

        return new ImageFix(format, target, maxSide,
            JpegIfTooLarge: target == KnownFormats.Png ? (long)(limits.MaxBytes.Value * DefaultSizeMargin) : null,
            JpegQuality: quality) { Operations = ops };
    }

    /// <summary>Every error is about the name (extension/kind); the bytes are an accepted format.</summary>
    private static bool OnlyNameIsWrong(FileReport report)
    {
        var errors = report.Findings.Where(f => f.Severity == Severity.Error).ToList();
        return errors.Count > 0 && errors.All(f => f.Code is FindingCodes.FormatExtensionMismatch or FindingCodes.FormatUnsupported);
    }

    private static FixPlan Rename(Profile profile, string format)
    {
        if (profile.KindAccepting(format) is null)
            return NotFixable($"{FormatFamilies.Describe(format)} is not accepted and no operation converts it.");
        var extension = FileRules.PreferredExtension(profile, format);
        return new CopyFix(format, extension)
        {
            Operations = [new FixOperation(FixOps.Rename, $"the bytes are {FormatFamilies.Describe(format)}: written unchanged with the extension '{extension}'")],
        };
    }

    private static string Unexplained(FileReport report) =>
        "No operation addresses its problems: " + string.Join("; ", report.Findings.Where(f => f.Severity == Severity.Error).Select(f => f.Code).Distinct());

    private static (int Width, int Height) Box(KindLimits limits, PlanLimits? plan, bool landscape)
    {
        var w = int.MaxValue;
        var h = int.MaxValue;
        if (limits.MaxDimensionExclusive is { } dim)
        {
            w = dim.Value - 1;
            h = dim.Value - 1;
        }
        if (plan is not null)
        {
            var (pw, ph) = landscape ? (plan.MaxLongSide.Value, plan.MaxShortSide.Value) : (plan.MaxShortSide.Value, plan.MaxLongSide.Value);
            w = Math.Min(w, pw);
            h = Math.Min(h, ph);
        }
        return (w, h);
    }

    /// <summary>Rounded down to an even number (H.264 4:2:0 needs even sides), at least 2.</summary>
    internal static int Even(double value) => Math.Max(2, (int)Math.Floor(value + 1e-9) / 2 * 2);

    private static bool IsLossless(string format, Reports.MediaFacts m) =>
        format == KnownFormats.Flac || m.AudioCodec is "flac" or "alac" || (m.AudioCodec?.StartsWith("pcm", StringComparison.Ordinal) ?? false);

    private static long? WavBytes(Reports.MediaFacts m, double? seconds) =>
        m is { SampleRate: { } rate, Channels: { } channels } && seconds is > 0
            ? (long)(seconds.Value * rate * channels * (m.BitDepth is > 16 ? 3 : 2)) + 44
            : null;

    private static string WavCodec(Reports.MediaFacts m) => m.BitDepth is > 16 ? "pcm_s24le" : "pcm_s16le";

    private static double? Min(double? a, double? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private static NoFix NotFixable(string reason) => new(FixStatus.NotFixable, reason);

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
