using System.Text.Json;
using System.Text.Json.Serialization;
using Preflight.Core.Reports;

namespace Preflight.Core.Rules;

/// <summary>A number with where it came from. Every limit Preflight enforces is one of these.</summary>
public sealed record Limit<T>(T Value, string Source, string? Note = null);

/// <param name="Extensions">Accepted extension (lower case, with the dot) → the format it promises.</param>
public sealed record KindLimits(
    IReadOnlyDictionary<string, string> Extensions,
    Limit<long> MaxBytes,
    Limit<int>? MaxDimensionExclusive,
    Limit<double>? MaxDurationSeconds)
{
    public IReadOnlyList<string> Formats => Extensions.Values.Distinct().ToList();

    public string? FormatForExtension(string? extension) =>
        extension is not null && Extensions.TryGetValue(extension.ToLowerInvariant(), out var format) ? format : null;
}

public sealed record PlanLimits(
    string Title,
    Limit<double>? MaxVideoSeconds,
    Limit<int> MaxShortSide,
    Limit<int> MaxLongSide,
    Limit<double>? MonthlyCredits,
    string ResolutionName);

public sealed record CreditRates(
    string Source,
    Limit<double> VideoGeneratePhotoAvatarSecondsPerCredit,
    Limit<double> VideoGenerateVideoAvatarSecondsPerCredit,
    Limit<double> VideoTranslateSecondsPerCredit,
    Limit<double> StreamingSecondsPerCredit,
    IReadOnlyDictionary<string, Limit<double>> PerCall);

public sealed record JobLimits(
    Limit<int> MaxScenes,
    Limit<int> MaxInputTextCharsExclusive,
    Limit<int> DimensionMinExclusive,
    Limit<int> DimensionMaxExclusive,
    Limit<int> StreamingMaxTextChars,
    Limit<double> SpeakingRateWordsPerMinute,
    Limit<double> WordsPerUnspacedCharacter,
    Limit<IReadOnlyList<string>> VideoTranslatePlans,
    CreditRates Credits);

/// <summary>
/// A rule profile: every limit as data with its provenance. Rules read this; they hold no numbers of their own.
/// </summary>
public sealed record Profile(
    string Name,
    string Title,
    string Source,
    Limit<long> Megabyte,
    IReadOnlyDictionary<string, KindLimits> Kinds,
    Limit<double> OutputFrameRate,
    IReadOnlyDictionary<string, PlanLimits> Plans,
    IReadOnlyList<string> PlanOrder,
    JobLimits Jobs)
{
    private static readonly JsonSerializerOptions ReadOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static IReadOnlyList<string> BuiltInNames { get; } = ["heygen"];

    /// <summary>The built-in profile that the seed document describes.</summary>
    public static Profile HeyGen { get; } = LoadBuiltIn("heygen");

    public static Profile LoadBuiltIn(string name)
    {
        using var stream = typeof(Profile).Assembly.GetManifestResourceStream($"Preflight.Profiles.{name}.json")
            ?? throw new ArgumentException($"No built-in profile '{name}'. Known: {string.Join(", ", BuiltInNames)}.", nameof(name));
        return Parse(stream);
    }

    public static Profile Parse(Stream json) =>
        JsonSerializer.Deserialize<Profile>(json, ReadOptions) ?? throw new InvalidDataException("Profile JSON is null.");

    public KindLimits? LimitsFor(AssetKind kind) =>
        Kinds.TryGetValue(KindName(kind), out var limits) ? limits : null;

    /// <summary>
    /// The one answer to "how large may this file be": the limits of <paramref name="kind"/>, or, for a kind not
    /// known (yet), the largest kind's — its name is the kind a size finding is judged under. Uploads, URL fetches,
    /// the worker and the oversize report all ask here.
    /// </summary>
    public (AssetKind Kind, KindLimits Limits) SizeLimitFor(AssetKind? kind)
    {
        if (kind is { } known && LimitsFor(known) is { } limits) return (known, limits);
        var largest = Kinds.MaxBy(k => k.Value.MaxBytes.Value);
        return largest.Value is null
            ? throw new InvalidOperationException($"Profile '{Name}' declares no kinds.")
            : (ParseKind(largest.Key) ?? AssetKind.Unknown, largest.Value);
    }

    /// <summary>The largest kind's byte limit: no single file of any kind may be larger.</summary>
    public long LargestMaxBytes => SizeLimitFor(null).Limits.MaxBytes.Value;

    /// <summary>The plan, or null when <paramref name="plan"/> is null. Throws for a plan the profile does not know.</summary>
    public PlanLimits? PlanOrNull(string? plan)
    {
        if (plan is null) return null;
        return Plans.TryGetValue(plan.ToLowerInvariant(), out var limits)
            ? limits
            : throw new ArgumentException($"Unknown plan '{plan}'. Known plans: {string.Join(", ", PlanOrder)}.", nameof(plan));
    }

    public bool IsKnownPlan(string plan) => Plans.ContainsKey(plan.ToLowerInvariant());

    /// <summary>The declared kind of a file from its extension (case-insensitive); unknown for anything else.</summary>
    public AssetKind KindFromExtension(string? extension)
    {
        if (string.IsNullOrEmpty(extension)) return AssetKind.Unknown;
        foreach (var (name, limits) in Kinds)
        {
            if (limits.FormatForExtension(extension) is not null)
                return ParseKind(name) ?? AssetKind.Unknown;
        }
        return AssetKind.Unknown;
    }

    /// <summary>The kind whose accepted formats include <paramref name="format"/>, or null when no kind accepts it.</summary>
    public AssetKind? KindAccepting(string format)
    {
        foreach (var (name, limits) in Kinds)
        {
            if (limits.Formats.Contains(format)) return ParseKind(name);
        }
        return null;
    }

    public static string KindName(AssetKind kind) => kind switch
    {
        AssetKind.Video => "video",
        AssetKind.Image => "image",
        AssetKind.Audio => "audio",
        _ => "unknown",
    };

    public static AssetKind? ParseKind(string? name) => name?.ToLowerInvariant() switch
    {
        "video" => AssetKind.Video,
        "image" => AssetKind.Image,
        "audio" => AssetKind.Audio,
        _ => null,
    };
}
