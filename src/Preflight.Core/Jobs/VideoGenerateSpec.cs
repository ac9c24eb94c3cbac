using System.Globalization;
using System.Text;
using System.Text.Json;
using Preflight.Core.Reports;
using Preflight.Core.Rules;

namespace Preflight.Core.Jobs;

/// <summary>video/generate: scenes, script length, output dimension, plan resolution and length, credits per avatar type.</summary>
internal sealed class VideoGenerateSpec(Profile profile, JobCheckerOptions options) : JobSpec(profile)
{
    private const string PhotoAvatar = "talking_photo";
    private const string VideoAvatar = "avatar";

    public override JobParse Parse(JsonElement? request)
    {
        var parse = new JobParse();
        var ctx = new JsonParse(parse);
        if (Root(parse, request) is not { } root) return parse;

        ParseDimension(parse, ctx, root);

        if (!root.TryGetProperty("video_inputs", out var inputs) || inputs.ValueKind == JsonValueKind.Null)
        {
            parse.Findings.Add(new JobFinding(FindingCodes.JobNoScenes, Severity.Error,
                "The request has no video_inputs: a video needs at least one scene.", Actual: "0",
                Limit: $"1–{Limits.MaxScenes.Value}", Path: "/video_inputs"));
        }
        else if (inputs.ValueKind != JsonValueKind.Array)
        {
            ctx.Invalid("/video_inputs", "an array of scenes", inputs);
        }
        else
        {
            var count = inputs.GetArrayLength();
            if (count == 0)
            {
                parse.Findings.Add(new JobFinding(FindingCodes.JobNoScenes, Severity.Error,
                    "video_inputs is empty: a video needs at least one scene.", Actual: "0",
                    Limit: $"1–{Limits.MaxScenes.Value}", Path: "/video_inputs"));
            }
            else if (count > Limits.MaxScenes.Value)
            {
                parse.Findings.Add(new JobFinding(FindingCodes.JobTooManyScenes, Severity.Error,
                    $"{count} scenes; at most {Limits.MaxScenes.Value} are allowed ({Limits.MaxScenes.Source}). Only the first {Limits.MaxScenes.Value} are checked.",
                    Actual: count.ToString(CultureInfo.InvariantCulture), Limit: Limits.MaxScenes.Value.ToString(CultureInfo.InvariantCulture),
                    Path: "/video_inputs"));
            }

            // Scenes past the limit already fail the job; checking each of them would let one 1 MB request of "{}"
            // scenes produce hundreds of thousands of findings (and their asset URLs would be fetched for nothing).
            var index = 0;
            foreach (var scene in inputs.EnumerateArray().Take(Limits.MaxScenes.Value)) ParseScene(parse, ctx, scene, index++);
        }

        CollectOtherAssetUrls(parse, root, "", ("/video_inputs", Limits.MaxScenes.Value));
        return parse;
    }

    private void ParseDimension(JobParse parse, JsonParse ctx, JsonElement root)
    {
        if (Object(ctx, root, "dimension", "/dimension", required: false) is not { } dimension) return;
        var width = Number(ctx, dimension, "width", "/dimension/width", required: true);
        var height = Number(ctx, dimension, "height", "/dimension/height", required: true);
        var min = Limits.DimensionMinExclusive;
        var max = Limits.DimensionMaxExclusive;
        var valid = true;
        foreach (var (name, value) in new[] { ("width", width), ("height", height) })
        {
            if (value is not { } v) { valid = false; continue; }
            if (v > min.Value && v < max.Value && v == Math.Floor(v)) continue;
            valid = false;
            parse.Findings.Add(new JobFinding(FindingCodes.JobDimensionOutOfRange, Severity.Error,
                $"dimension.{name} is {v.ToString(CultureInfo.InvariantCulture)}; it must be a whole number greater than {min.Value} and less than {max.Value} ({max.Source}).",
                Actual: v.ToString(CultureInfo.InvariantCulture), Limit: $">{min.Value} and <{max.Value}", Path: $"/dimension/{name}"));
        }
        if (valid) parse.Dimension = ((int)width!.Value, (int)height!.Value);
    }

    private void ParseScene(JobParse parse, JsonParse ctx, JsonElement scene, int index)
    {
        var at = $"/video_inputs/{index}";
        if (scene.ValueKind != JsonValueKind.Object)
        {
            ctx.Invalid(at, "an object", scene);
            return;
        }

        string? characterType = null;
        if (Object(ctx, scene, "character", at + "/character", required: true) is { } character)
        {
            characterType = String(ctx, character, "type", at + "/character/type", required: true);
            if (characterType is not null && characterType is not (PhotoAvatar or VideoAvatar))
            {
                parse.Findings.Add(new JobFinding(FindingCodes.JobInvalidField, Severity.Error,
                    $"character.type '{characterType}' is not one of: {VideoAvatar}, {PhotoAvatar}.",
                    Actual: characterType, Limit: $"{VideoAvatar} | {PhotoAvatar}", Path: at + "/character/type"));
            }
        }

        string? voiceType = null, text = null, audioUrl = null;
        if (Object(ctx, scene, "voice", at + "/voice", required: true) is { } voice)
        {
            voiceType = String(ctx, voice, "type", at + "/voice/type", required: true);
            switch (voiceType)
            {
                case "text":
                    text = String(ctx, voice, "input_text", at + "/voice/input_text", required: true);
                    if (text is not null) CheckText(parse, text, at + "/voice/input_text");
                    break;
                case "audio":
                    audioUrl = String(ctx, voice, "audio_url", at + "/voice/audio_url", required: !voice.TryGetProperty("audio_asset_id", out _));
                    if (audioUrl is not null) parse.AddAsset(new JobAsset(audioUrl, AssetKind.Audio, at + "/voice/audio_url"));
                    break;
                case "silence":
                    break;
                case null:
                    break;
                default:
                    parse.Findings.Add(new JobFinding(FindingCodes.JobInvalidField, Severity.Error,
                        $"voice.type '{voiceType}' is not one of: text, audio, silence.", Actual: voiceType,
                        Limit: "text | audio | silence", Path: at + "/voice/type"));
                    break;
            }
        }

        if (Object(ctx, scene, "background", at + "/background", required: false) is { } background)
        {
            var type = String(ctx, background, "type", at + "/background/type", required: true);
            if (type is "image" or "video")
            {
                var url = String(ctx, background, "url", at + "/background/url", required: !background.TryGetProperty("image_asset_id", out _) && !background.TryGetProperty("video_asset_id", out _));
                if (url is not null)
                    parse.AddAsset(new JobAsset(url, type == "image" ? AssetKind.Image : AssetKind.Video, at + "/background/url"));
            }
        }

        parse.Scenes.Add(new Scene(index, characterType, voiceType, text, audioUrl));
    }

    private void CheckText(JobParse parse, string text, string pointer)
    {
        var limit = Limits.MaxInputTextCharsExclusive;
        var length = RuneCount(text);
        if (length < limit.Value) return;
        parse.Findings.Add(new JobFinding(FindingCodes.JobTextTooLong, Severity.Error,
            $"The script at {pointer} has {length:N0} characters; it must be fewer than {limit.Value:N0} ({limit.Source}). Split it across scenes.",
            Actual: length.ToString(CultureInfo.InvariantCulture), Limit: $"<{limit.Value}", Path: pointer));
    }

    public override JobEstimate Estimate(JobParse parse, IReadOnlyDictionary<string, FileReport> assets)
    {
        var credits = Limits.Credits;
        var wpm = Limits.SpeakingRateWordsPerMinute.Value;
        double photoSeconds = 0, videoSeconds = 0;
        var estimated = false;
        var unknownScenes = 0;
        foreach (var scene in parse.Scenes)
        {
            double? seconds = scene.VoiceType switch
            {
                "text" when scene.Text is not null => WordCount(scene.Text) / wpm * 60,
                "audio" when scene.AudioUrl is not null && assets.TryGetValue(scene.AudioUrl, out var report) => report.Media?.DurationSeconds,
                _ => null,
            };
            if (scene.VoiceType == "text") estimated = true;
            if (seconds is null) { unknownScenes++; estimated = true; continue; }
            if (scene.CharacterType == PhotoAvatar) photoSeconds += seconds.Value; else videoSeconds += seconds.Value;
        }

        var photoRate = credits.VideoGeneratePhotoAvatarSecondsPerCredit.Value;
        var videoRate = credits.VideoGenerateVideoAvatarSecondsPerCredit.Value;
        var total = photoSeconds / photoRate + videoSeconds / videoRate;
        var formula = new StringBuilder();
        formula.Append(CultureInfo.InvariantCulture, $"{Seconds(videoSeconds)} with a video avatar / {videoRate:0} s per credit + ");
        formula.Append(CultureInfo.InvariantCulture, $"{Seconds(photoSeconds)} with a photo avatar / {photoRate:0} s per credit = {JobChecker.Credits(total)} credits");
        if (parse.Scenes.Any(s => s.VoiceType == "text"))
            formula.Append(CultureInfo.InvariantCulture, $"; text scenes estimated at {wpm:0} words per minute");
        if (unknownScenes > 0)
            formula.Append(CultureInfo.InvariantCulture, $"; {unknownScenes} scene(s) of unknown length not counted");
        return new JobEstimate(Math.Round(photoSeconds + videoSeconds, 3), estimated, Math.Round(total, 6), formula.ToString());
    }

    public override IEnumerable<JobFinding> PlanFindings(string plan, PlanLimits limits, JobParse parse, JobEstimate estimate)
    {
        if (parse.Dimension is var (w, h))
        {
            var shortSide = Math.Min(w, h);
            var longSide = Math.Max(w, h);
            if (shortSide > limits.MaxShortSide.Value || longSide > limits.MaxLongSide.Value)
            {
                yield return new JobFinding(FindingCodes.JobResolutionExceedsPlan, Severity.Error,
                    $"Output {w}x{h} is above the {limits.Title} plan's {limits.ResolutionName} ({limits.MaxShortSide.Source}).",
                    Actual: $"{w}x{h}", Limit: $"{limits.ResolutionName} ({limits.MaxLongSide.Value}x{limits.MaxShortSide.Value}, plan {plan})",
                    Path: "/dimension");
            }
        }
        foreach (var f in DurationWithinPlan(plan, limits, estimate, options.EnterpriseMaxVideoSeconds)) yield return f;
        foreach (var f in MonthlyCredits(plan, limits, estimate)) yield return f;
    }
}
