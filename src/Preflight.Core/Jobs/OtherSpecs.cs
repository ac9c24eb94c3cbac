using System.Globalization;
using System.Text.Json;
using Preflight.Core.Reports;
using Preflight.Core.Rules;

namespace Preflight.Core.Jobs;

/// <summary>video_translate: Scale/Enterprise only; the source video is preflighted; 1 credit per 20 s of source.</summary>
internal sealed class VideoTranslateSpec(Profile profile, JobCheckerOptions options) : JobSpec(profile)
{
    public override JobParse Parse(JsonElement? request)
    {
        var parse = new JobParse();
        var ctx = new JsonParse(parse);
        if (Root(parse, request) is not { } root) return parse;
        parse.VideoUrl = String(ctx, root, "video_url", "/video_url", required: true);
        String(ctx, root, "output_language", "/output_language", required: true);
        if (parse.VideoUrl is not null) parse.AddAsset(new JobAsset(parse.VideoUrl, AssetKind.Video, "/video_url"));
        CollectOtherAssetUrls(parse, root, "");
        return parse;
    }

    public override JobEstimate Estimate(JobParse parse, IReadOnlyDictionary<string, FileReport> assets)
    {
        var rate = Limits.Credits.VideoTranslateSecondsPerCredit.Value;
        var seconds = parse.VideoUrl is not null && assets.TryGetValue(parse.VideoUrl, out var report) ? report.Media?.DurationSeconds : null;
        if (seconds is null)
            return new JobEstimate(0, true, 0, "source video length unknown: no estimate");
        var credits = seconds.Value / rate;
        return new JobEstimate(seconds.Value, false, Math.Round(credits, 6),
            $"{Seconds(seconds.Value)} of source video / {rate:0} s per credit = {JobChecker.Credits(credits)} credits");
    }

    public override IEnumerable<JobFinding> PlanFindings(string plan, PlanLimits limits, JobParse parse, JobEstimate estimate)
    {
        var allowed = Limits.VideoTranslatePlans;
        if (!allowed.Value.Contains(plan))
        {
            yield return new JobFinding(FindingCodes.JobEndpointNotInPlan, Severity.Error,
                $"video_translate is not available on the {limits.Title} plan ({allowed.Source}).",
                Actual: plan, Limit: string.Join(" | ", allowed.Value));
        }
        foreach (var f in DurationWithinPlan(plan, limits, estimate, options.EnterpriseMaxVideoSeconds)) yield return f;
        foreach (var f in MonthlyCredits(plan, limits, estimate)) yield return f;
    }
}

/// <summary>streaming.task: text sent to an interactive avatar, at most 1,000 characters; sessions cost per 10 minutes.</summary>
internal sealed class StreamingTaskSpec(Profile profile) : JobSpec(profile)
{
    public override JobParse Parse(JsonElement? request)
    {
        var parse = new JobParse();
        var ctx = new JsonParse(parse);
        if (Root(parse, request) is not { } root) return parse;
        var text = String(ctx, root, "text", "/text", required: true);
        var limit = Limits.StreamingMaxTextChars;
        if (text is not null && RuneCount(text) > limit.Value)
        {
            var length = RuneCount(text);
            parse.Findings.Add(new JobFinding(FindingCodes.JobTextTooLong, Severity.Error,
                $"The task text has {length:N0} characters; at most {limit.Value:N0} can be sent at a time ({limit.Source}).",
                Actual: length.ToString(CultureInfo.InvariantCulture), Limit: $"<={limit.Value}", Path: "/text"));
        }
        parse.SessionMinutes = Number(ctx, root, "sessionMinutes", "/sessionMinutes", required: false);
        // A session long enough to overflow seconds is no session either (1e307 minutes).
        if (parse.SessionMinutes is { } minutes && (minutes < 0 || !double.IsFinite(minutes * 60)))
        {
            parse.Findings.Add(new JobFinding(FindingCodes.JobInvalidField, Severity.Error,
                "sessionMinutes must be a non-negative number of minutes.", Actual: parse.SessionMinutes.Value.ToString(CultureInfo.InvariantCulture), Path: "/sessionMinutes"));
            parse.SessionMinutes = null;
        }
        return parse;
    }

    public override JobEstimate Estimate(JobParse parse, IReadOnlyDictionary<string, FileReport> assets)
    {
        var rate = Limits.Credits.StreamingSecondsPerCredit.Value;
        if (parse.SessionMinutes is not { } minutes)
            return new JobEstimate(0, true, 0, "sessionMinutes not given: streaming time not estimated");
        var seconds = minutes * 60;
        var credits = seconds / rate;
        return new JobEstimate(seconds, false, Math.Round(credits, 6),
            $"{Seconds(seconds)} of active streaming / {rate:0} s per credit = {JobChecker.Credits(credits)} credits");
    }
}

/// <summary>photo_avatar/*: a fixed price per call.</summary>
internal sealed class PerCallSpec(Profile profile, string endpoint) : JobSpec(profile)
{
    public override JobParse Parse(JsonElement? request)
    {
        var parse = new JobParse();
        if (request is { ValueKind: JsonValueKind.Object } root) CollectOtherAssetUrls(parse, root, "");
        return parse;
    }

    public override JobEstimate Estimate(JobParse parse, IReadOnlyDictionary<string, FileReport> assets)
    {
        var price = Limits.Credits.PerCall[endpoint];
        return new JobEstimate(0, false, price.Value, $"{endpoint}: {JobChecker.Credits(price.Value)} credits per call ({price.Source})");
    }
}
