using Preflight.Core.Reports;
using Preflight.Core.Rules;

namespace Preflight.Core.Fetching;

/// <summary>How many bytes one URL may deliver, and where that number comes from (for the finding's message).</summary>
/// <param name="MaxBytes">Bodies larger than this are refused (from Content-Length) or cut off while streaming.</param>
/// <param name="Label">What the limit applies to in messages: "video files".</param>
/// <param name="Source">The limit's provenance, quoted in messages.</param>
public sealed record FetchLimits(long MaxBytes, string Label = "files", string? Source = null)
{
    /// <summary>
    /// The limit of <paramref name="kind"/> in <paramref name="profile"/>; for a kind not known yet, the largest
    /// kind's limit (the caller re-checks the real size once the kind is known).
    /// </summary>
    public static FetchLimits For(Profile profile, AssetKind? kind)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (profile.Kinds.Count == 0) throw new ArgumentException($"Profile '{profile.Name}' declares no kinds.", nameof(profile));
        // A vendor that fetches URLs under a smaller limit than uploads (Runway, LTX) sets maxUrlBytes.
        if (kind is { } known && profile.LimitsFor(known) is { } limits)
        {
            var limit = limits.MaxUrlBytes ?? limits.MaxBytes;
            return new FetchLimits(limit.Value, Profile.KindName(known) + " files", limit.Source);
        }

        var largest = profile.Kinds.Values.Select(k => k.MaxUrlBytes ?? k.MaxBytes).MaxBy(l => l.Value)!;
        return new FetchLimits(largest.Value, "files of any kind", largest.Source);
    }
}
