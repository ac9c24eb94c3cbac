using System.Globalization;
using System.Text;
using System.Text.Json;
using Preflight.Core.Reports;
using Preflight.Core.Rules;

namespace Preflight.Core.Jobs;

/// <summary>One scene of a video/generate request, as far as the rules care.</summary>
internal sealed record Scene(int Index, string? CharacterType, string? VoiceType, string? Text, string? AudioUrl);

/// <summary>What was read from a request: findings that hold on every plan, the asset URLs, and the facts the estimate needs.</summary>
internal sealed record JobParse
{
    public List<JobFinding> Findings { get; } = [];
    private readonly HashSet<string> _assetPointers = [];

    public List<JobAsset> Assets { get; } = [];

    /// <summary>Adds the asset unless one was already found at the same pointer (scene fields are met twice).</summary>
    public void AddAsset(JobAsset asset)
    {
        if (_assetPointers.Add(asset.Pointer)) Assets.Add(asset);
    }
    public List<Scene> Scenes { get; } = [];
    public (int Width, int Height)? Dimension { get; set; }
    public string? VideoUrl { get; set; }
    public double? SessionMinutes { get; set; }
}

/// <summary>The rules of one endpoint. Pure: reads the profile, never the network.</summary>
internal abstract class JobSpec(Profile profile)
{
    protected Profile Profile { get; } = profile;
    protected JobLimits Limits => Profile.JobsOrThrow;

    public static JobSpec? For(string endpoint, Profile profile, JobCheckerOptions options) => endpoint switch
    {
        GenerationEndpoints.VideoGenerate => new VideoGenerateSpec(profile, options),
        GenerationEndpoints.VideoTranslate => new VideoTranslateSpec(profile, options),
        GenerationEndpoints.StreamingTask => new StreamingTaskSpec(profile),
        _ when profile.JobsOrThrow.Credits.PerCall.ContainsKey(endpoint) => new PerCallSpec(profile, endpoint),
        _ => null,
    };

    public abstract JobParse Parse(JsonElement? request);

    public abstract JobEstimate Estimate(JobParse parse, IReadOnlyDictionary<string, FileReport> assets);

    public virtual IEnumerable<JobFinding> PlanFindings(string plan, PlanLimits limits, JobParse parse, JobEstimate estimate) =>
        MonthlyCredits(plan, limits, estimate);

    protected static IEnumerable<JobFinding> MonthlyCredits(string plan, PlanLimits limits, JobEstimate estimate)
    {
        if (limits.MonthlyCredits is { } monthly && estimate.Credits > monthly.Value)
        {
            yield return new JobFinding(FindingCodes.JobExceedsMonthlyCredits, Severity.Warning,
                $"The job costs an estimated {JobChecker.Credits(estimate.Credits)} credits, more than the {limits.Title} plan's {monthly.Value:0.##} a month ({monthly.Source}).",
                Actual: JobChecker.Credits(estimate.Credits), Limit: $"{monthly.Value:0.##} / month (plan {plan})");
        }
    }

    protected IEnumerable<JobFinding> DurationWithinPlan(string plan, PlanLimits limits, JobEstimate estimate, double? enterpriseMax)
    {
        var max = limits.MaxVideoSeconds?.Value ?? (plan == "enterprise" ? enterpriseMax : null);
        if (max is null || estimate.DurationSeconds <= max) yield break;
        var estimated = estimate.DurationIsEstimate ? "an estimated " : "";
        yield return new JobFinding(FindingCodes.JobDurationExceedsPlan, Severity.Error,
            $"The video lasts {estimated}{Seconds(estimate.DurationSeconds)}; the {limits.Title} plan allows {Seconds(max.Value)} " +
            $"({limits.MaxVideoSeconds?.Source ?? "configured enterprise limit"}).",
            Actual: Seconds(estimate.DurationSeconds), Limit: $"{Seconds(max.Value)} (plan {plan})");
    }

    protected static string Seconds(double s) => s.ToString("0.##", CultureInfo.InvariantCulture) + " s";

    protected static int RuneCount(string text) => text.EnumerateRunes().Count();

    /// <summary>
    /// Spoken words in a script. Scripts written without spaces (Chinese, Japanese, Thai, …) have no words to
    /// split on, so each of their characters counts as the profile's fraction of a word.
    /// </summary>
    protected double WordCount(string text)
    {
        var unspaced = text.EnumerateRunes().Count(IsUnspacedScript);
        // By rune, not by char: a character outside the BMP (CJK Extension B) is two chars, and both must go once it
        // is counted per character, or they stay behind as a "word" of their own.
        var spaced = new StringBuilder(text.Length);
        Span<char> units = stackalloc char[2];
        foreach (var rune in text.EnumerateRunes())
        {
            if (!IsUnspacedScript(rune)) spaced.Append(units[..rune.EncodeToUtf16(units)]);
        }
        var spacedWords = spaced.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        return spacedWords + unspaced * Limits.WordsPerUnspacedCharacter.Value;
    }

    private static bool IsUnspacedScript(Rune rune) => rune.Value switch
    {
        >= 0x3040 and <= 0x30FF => true,   // Hiragana, Katakana
        >= 0x3400 and <= 0x4DBF => true,   // CJK Extension A
        >= 0x4E00 and <= 0x9FFF => true,   // CJK Unified Ideographs
        >= 0xF900 and <= 0xFAFF => true,   // CJK Compatibility Ideographs
        >= 0x0E00 and <= 0x0E7F => true,   // Thai
        >= 0x20000 and <= 0x2FFFF => true, // CJK Extensions B+
        _ => false,
    };

    // ---- small JSON helpers: a missing or mistyped field is a finding, never an exception ----

    protected static JsonElement? Object(JsonParse ctx, JsonElement parent, string name, string pointer, bool required) =>
        Field(ctx, parent, name, pointer, required, JsonValueKind.Object, "an object");

    protected static string? String(JsonParse ctx, JsonElement parent, string name, string pointer, bool required) =>
        Field(ctx, parent, name, pointer, required, JsonValueKind.String, "a string")?.GetString();

    /// <summary>A finite number: JSON allows 1e400, which reads as infinity and would poison every sum after it.</summary>
    protected static double? Number(JsonParse ctx, JsonElement parent, string name, string pointer, bool required)
    {
        if (Field(ctx, parent, name, pointer, required, JsonValueKind.Number, "a number") is not { } value) return null;
        if (value.TryGetDouble(out var number) && double.IsFinite(number)) return number;
        ctx.OutOfRange(pointer, value);
        return null;
    }

    /// <summary>The field when present and of the expected JSON kind; otherwise a missing/invalid finding and null.</summary>
    private static JsonElement? Field(JsonParse ctx, JsonElement parent, string name, string pointer, bool required, JsonValueKind kind, string expected)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required) ctx.Missing(pointer);
            return null;
        }
        if (value.ValueKind != kind)
        {
            ctx.Invalid(pointer, expected, value);
            return null;
        }
        return value;
    }

    /// <summary>The request object, or a finding when it is missing or not an object.</summary>
    protected static JsonElement? Root(JobParse parse, JsonElement? request)
    {
        if (request is not { } r || r.ValueKind == JsonValueKind.Null || r.ValueKind == JsonValueKind.Undefined)
        {
            parse.Findings.Add(new JobFinding(FindingCodes.JobMissingField, Severity.Error, "The job has no 'request' object.", Path: ""));
            return null;
        }
        if (r.ValueKind != JsonValueKind.Object)
        {
            parse.Findings.Add(new JobFinding(FindingCodes.JobInvalidField, Severity.Error,
                $"'request' must be an object, not {r.ValueKind.ToString().ToLowerInvariant()}.", Path: ""));
            return null;
        }
        return r;
    }

    /// <summary>
    /// Any other URL-valued field (<c>url</c>, <c>*_url</c>) is an asset too, its kind from its extension.
    /// Webhook/callback URLs are not assets. <paramref name="capped"/>: the array at that pointer is walked only up to
    /// its first items (the scenes past the limit, which the job is failed for anyway).
    /// </summary>
    protected void CollectOtherAssetUrls(JobParse parse, JsonElement element, string pointer, (string Pointer, int MaxItems)? capped = null)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var child = pointer + "/" + JsonPointer.Escape(property.Name);
                    var isUrlField = property.Name == "url" || property.Name.EndsWith("_url", StringComparison.Ordinal);
                    var isWebhook = property.Name.Contains("callback", StringComparison.OrdinalIgnoreCase)
                        || property.Name.Contains("webhook", StringComparison.OrdinalIgnoreCase);
                    if (isUrlField && !isWebhook && property.Value.ValueKind == JsonValueKind.String)
                    {
                        parse.AddAsset(new JobAsset(property.Value.GetString()!, KindFromUrl(property.Value.GetString()!), child));
                    }
                    else
                    {
                        CollectOtherAssetUrls(parse, property.Value, child, capped);
                    }
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                var items = capped is { } cap && cap.Pointer == pointer ? element.EnumerateArray().Take(cap.MaxItems) : element.EnumerateArray();
                foreach (var item in items) CollectOtherAssetUrls(parse, item, $"{pointer}/{i++}", capped);
                break;
        }
    }

    protected AssetKind? KindFromUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return null;
        var kind = Profile.KindFromExtension(Path.GetExtension(uri.AbsolutePath));
        return kind == AssetKind.Unknown ? null : kind;
    }
}

/// <summary>Collects missing/invalid field findings with their JSON pointers.</summary>
internal sealed class JsonParse(JobParse parse)
{
    public void Missing(string pointer) =>
        parse.Findings.Add(new JobFinding(FindingCodes.JobMissingField, Severity.Error,
            $"Required field {pointer} is missing.", Path: pointer));

    public void Invalid(string pointer, string expected, JsonElement actual) =>
        parse.Findings.Add(new JobFinding(FindingCodes.JobInvalidField, Severity.Error,
            $"{pointer} must be {expected}, not {actual.ValueKind.ToString().ToLowerInvariant()}.",
            Actual: Truncate(actual.GetRawText()), Path: pointer));

    public void OutOfRange(string pointer, JsonElement actual) =>
        parse.Findings.Add(new JobFinding(FindingCodes.JobInvalidField, Severity.Error,
            $"{pointer} is too large to be a number of anything ({Truncate(actual.GetRawText())}).",
            Actual: Truncate(actual.GetRawText()), Path: pointer));

    private static string Truncate(string s) => s.Length <= 80 ? s : s[..77] + "...";
}

internal static class JsonPointer
{
    /// <summary>RFC 6901: '~' → '~0', '/' → '~1'.</summary>
    public static string Escape(string token) => token.Replace("~", "~0").Replace("/", "~1");
}
