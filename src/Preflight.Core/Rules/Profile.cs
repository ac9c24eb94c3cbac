using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Preflight.Core.Reports;

namespace Preflight.Core.Rules;

/// <summary>
/// A number with where it came from. Every limit Preflight enforces is one of these: the value, the sentence it
/// came from (<paramref name="Source"/>) and, for vendor documentation, the page (<see cref="Url"/>) and the day it
/// was read (<see cref="Read"/>).
/// </summary>
public sealed record Limit<T>(T Value, string Source, string? Note = null)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Url { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Read { get; init; }
}

/// <summary>Where a rule that is not a number comes from (the accepted formats).</summary>
public sealed record Provenance(string Source, string? Note = null, string? Url = null, string? Read = null);

/// <summary>
/// The rules for one kind of file. Every rule is optional: a rule absent from the profile is not checked.
/// See <c>docs/profile.schema.json</c> and the README's "Profiles" section for what each one means.
/// </summary>
public sealed record KindLimits
{
    /// <summary>Accepted extension (lower case, with the dot) → the format it promises. Null: any format of the kind.</summary>
    public IReadOnlyDictionary<string, string>? Extensions { get; init; }

    /// <summary>Where the list of <see cref="Extensions"/> comes from.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Provenance? ExtensionsSource { get; init; }

    /// <summary>The published size limit (<c>maxBytes</c>), or null when the vendor publishes none.</summary>
    [JsonPropertyName("maxBytes")]
    public Limit<long>? MaxBytesRule { get; init; }

    /// <summary>A stricter size limit for files the vendor fetches from a URL (Runway, LTX); else <c>maxBytes</c>.</summary>
    public Limit<long>? MaxUrlBytes { get; init; }

    public Limit<int>? MaxDimensionExclusive { get; init; }
    public Limit<int>? MinWidth { get; init; }
    public Limit<int>? MaxWidth { get; init; }
    public Limit<int>? MinHeight { get; init; }
    public Limit<int>? MaxHeight { get; init; }
    public Limit<double>? MaxMegapixels { get; init; }

    /// <summary>Width divided by height.</summary>
    public Limit<double>? MinAspectRatio { get; init; }

    /// <summary>Width divided by height.</summary>
    public Limit<double>? MaxAspectRatio { get; init; }

    /// <summary>Codec names as the report's <c>media.videoCodec</c> gives them (h264, hevc, …).</summary>
    public Limit<IReadOnlyList<string>>? VideoCodecs { get; init; }

    /// <summary>Codec names as the report's <c>media.audioCodec</c> gives them (aac, mp3, pcm_s16le, …).</summary>
    public Limit<IReadOnlyList<string>>? AudioCodecs { get; init; }

    public Limit<double>? MinDurationSeconds { get; init; }
    public Limit<double>? MaxDurationSeconds { get; init; }
    public Limit<double>? MinFrameRate { get; init; }
    public Limit<double>? MaxFrameRate { get; init; }
    public Limit<int>? MinSampleRateHz { get; init; }

    /// <summary>
    /// How many bytes Preflight reads of a file of this kind: the published limit, else (set when the profile is
    /// loaded) the largest limit of the profile. Receivers (uploads, URL fetches, blobs) cap on this; the
    /// <c>file.too_large</c> rule reads only <see cref="MaxBytesRule"/>.
    /// </summary>
    [JsonIgnore]
    public Limit<long> MaxBytes
    {
        get => MaxBytesRule ?? ReceiveCap ?? new Limit<long>(Profile.UnpublishedSizeCapBytes, Profile.UnpublishedSizeCapSource);
        init => MaxBytesRule = value;
    }

    [JsonIgnore]
    internal Limit<long>? ReceiveCap { get; init; }

    /// <summary>The accepted formats, each once, in the order the extensions name them.</summary>
    /// <remarks>A plain loop: every inspection asks it, and LINQ's Distinct cost a Native AOT run ~2 ms on first use.</remarks>
    [JsonIgnore]
    public IReadOnlyList<string> Formats
    {
        get
        {
            if (Extensions is null) return [];
            var formats = new List<string>(Extensions.Count);
            foreach (var format in Extensions.Values)
                if (!formats.Contains(format)) formats.Add(format);
            return formats;
        }
    }

    public string? FormatForExtension(string? extension) =>
        extension is not null && Extensions is not null && Extensions.TryGetValue(extension.ToLowerInvariant(), out var format) ? format : null;

    /// <summary>True when the profile names the accepted formats of this kind (else any format of the family is accepted).</summary>
    [JsonIgnore]
    public bool ListsFormats => Extensions is not null;

    /// <summary>Rules that need the media facts (dimensions, duration, codecs, …), by their JSON name.</summary>
    public IEnumerable<string> MediaRuleNames()
    {
        if (MaxDimensionExclusive is not null) yield return "maxDimensionExclusive";
        if (MinWidth is not null) yield return "minWidth";
        if (MaxWidth is not null) yield return "maxWidth";
        if (MinHeight is not null) yield return "minHeight";
        if (MaxHeight is not null) yield return "maxHeight";
        if (MaxMegapixels is not null) yield return "maxMegapixels";
        if (MinAspectRatio is not null) yield return "minAspectRatio";
        if (MaxAspectRatio is not null) yield return "maxAspectRatio";
        if (VideoCodecs is not null) yield return "videoCodecs";
        if (AudioCodecs is not null) yield return "audioCodecs";
        if (MinDurationSeconds is not null) yield return "minDurationSeconds";
        if (MaxDurationSeconds is not null) yield return "maxDurationSeconds";
        if (MinFrameRate is not null) yield return "minFrameRate";
        if (MaxFrameRate is not null) yield return "maxFrameRate";
        if (MinSampleRateHz is not null) yield return "minSampleRateHz";
    }
}

/// <summary>Rules about a URL asset itself, checked by the URL inspector. Each is optional.</summary>
public sealed record UrlLimits
{
    public Limit<bool>? HttpsOnly { get; init; }
    public Limit<bool>? HostMustBeName { get; init; }
    public Limit<bool>? NoRedirects { get; init; }
    public Limit<bool>? HeadWithContentTypeAndLength { get; init; }
    public Limit<int>? MaxLength { get; init; }
    public Limit<bool>? RefuseOctetStream { get; init; }
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
/// Profiles are loaded and resolved (inheritance applied, validated against <c>docs/profile.schema.json</c>) by
/// <see cref="ProfileCatalog"/>.
/// </summary>
public sealed record Profile(
    string Name,
    string Title,
    string Source,
    Limit<long> Megabyte,
    IReadOnlyDictionary<string, KindLimits> Kinds,
    Limit<double>? OutputFrameRate,
    IReadOnlyDictionary<string, PlanLimits> Plans,
    IReadOnlyList<string> PlanOrder,
    JobLimits? Jobs)
{
    /// <summary>Preflight's own read cap for a profile that publishes no size limit at all (not a vendor limit).</summary>
    public const long UnpublishedSizeCapBytes = 1_000_000_000;

    public const string UnpublishedSizeCapSource = "Preflight's read cap: the profile publishes no size limit";

    internal static readonly JsonSerializerOptions ReadOptions = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // Generated at build time: reading the built-in profiles by reflection (Reflection.Emit, then the JIT) was
        // about a third of every `check`'s start-up, and the Native AOT CLI has no reflection-based JSON at all.
        TypeInfoResolver = ProfileJsonContext.Default,
    };

    /// <summary>The profile this one extends, as written in its <c>extends</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Extends { get; init; }

    /// <summary>Rules about URL assets (Runway, LTX); null when the profile has none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public UrlLimits? Url { get; init; }

    /// <summary>
    /// <c>sha256:</c> of the resolved profile document (canonical JSON: keys sorted, no white space), so two
    /// services with the same rules agree on it. Set when the profile is loaded.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Digest { get; init; }

    /// <summary>Where the profile was loaded from: <c>built-in</c> or the file's path (never served: a path is the host's business).</summary>
    [JsonIgnore]
    public string? Origin { get; init; }

    public static IReadOnlyList<string> BuiltInNames => ProfileCatalog.BuiltIn.Names;

    /// <summary>The built-in profile that the seed document describes.</summary>
    public static Profile HeyGen => ProfileCatalog.BuiltIn.Get("heygen");

    public static Profile LoadBuiltIn(string name) =>
        ProfileCatalog.BuiltIn.Find(name)
        ?? throw new ArgumentException($"No built-in profile '{name}'. Known: {string.Join(", ", BuiltInNames)}.", nameof(name));

    /// <summary>One profile document as written, without inheritance or schema validation (see <see cref="ProfileCatalog"/>).</summary>
    public static Profile Parse(Stream json) =>
        Normalise(JsonSerializer.Deserialize(json, ReadOptions.Info<Profile>()) ?? throw new InvalidDataException("Profile JSON is null."));

    /// <summary>Fills what a document may leave out (plans, plan order) and each kind's receive cap.</summary>
    internal static Profile Normalise(Profile profile)
    {
        var largest = profile.Kinds.Values.Select(k => k.MaxBytesRule).Where(l => l is not null).MaxBy(l => l!.Value);
        var cap = largest is null ? null : largest with
        {
            Source = $"Preflight's read cap: no size limit is published for this kind, so the profile's largest is used ({largest.Source})",
        };
        return profile with
        {
            // A document may leave these out; the record keeps them non-null for its readers.
            Plans = profile.Plans ?? new Dictionary<string, PlanLimits>(),
            PlanOrder = profile.PlanOrder ?? [],
            Kinds = profile.Kinds.ToDictionary(k => k.Key, k => k.Value.MaxBytesRule is null ? k.Value with { ReceiveCap = cap } : k.Value),
        };
    }

    public KindLimits? LimitsFor(AssetKind kind) =>
        Kinds.TryGetValue(KindName(kind), out var limits) ? limits : null;

    /// <summary>The job limits; throws when the profile has none (job checks are HeyGen API requests).</summary>
    [JsonIgnore]
    public JobLimits JobsOrThrow => Jobs
        ?? throw new InvalidOperationException($"Profile '{Name}' has no job rules: job requests can only be checked against a profile with 'jobs' (heygen or one extending it).");

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
            : throw new ArgumentException(PlanOrder.Count == 0
                ? $"Unknown plan '{plan}': the '{Name}' profile has no plans."
                : $"Unknown plan '{plan}'. Known plans: {string.Join(", ", PlanOrder)}.", nameof(plan));
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
        // A kind that lists no formats accepts its whole family: the extension's usual family decides.
        if (Fetching.UrlKindHints.FromExtension(extension) is { } family && LimitsFor(family) is { ListsFormats: false })
            return family;
        return AssetKind.Unknown;
    }

    /// <summary>The kind whose accepted formats include <paramref name="format"/>, or null when no kind accepts it.</summary>
    public AssetKind? KindAccepting(string format)
    {
        foreach (var (name, limits) in Kinds)
        {
            if (limits.Formats.Contains(format)) return ParseKind(name);
        }
        var family = Sniffing.FormatFamilies.FamilyOf(format);
        return family != AssetKind.Unknown && LimitsFor(family) is { ListsFormats: false } ? family : null;
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

/// <summary>Build-time JSON metadata for reading profile documents (see <see cref="Profile.ReadOptions"/>).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(Profile))]
internal sealed partial class ProfileJsonContext : JsonSerializerContext;
