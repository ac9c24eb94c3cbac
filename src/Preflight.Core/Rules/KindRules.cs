using System.Globalization;
using Preflight.Core.Reports;

namespace Preflight.Core.Rules;

/// <summary>
/// The per-kind rules of the profile vocabulary beyond HeyGen's (minimum and maximum width and height,
/// megapixels, aspect ratio, codecs, minimum duration, frame-rate range, sample rate). Each reads one optional
/// limit; a limit the profile does not set is not checked. Every bound is inclusive: a value equal to a
/// minimum or a maximum passes.
/// </summary>
public static class KindRules
{
    public static IEnumerable<Finding> Check(KindLimits limits, AssetKind kind, string fileName, MediaFacts media)
    {
        var kindName = Profile.KindName(kind);

        if (media is { Width: { } w, Height: { } h })
        {
            var tooNarrow = limits.MinWidth is { } minW && w < minW.Value;
            var tooShort = limits.MinHeight is { } minH && h < minH.Value;
            if (tooNarrow || tooShort)
            {
                var source = (tooNarrow ? limits.MinWidth! : limits.MinHeight!).Source;
                yield return Finding.Error(FindingCodes.MediaResolutionTooSmall,
                    $"{w}x{h} is too small: {kindName} must be at least {Px(limits.MinWidth)} wide and {Px(limits.MinHeight)} high ({source}).",
                    actual: $"{w}x{h}",
                    limit: $">={Px(limits.MinWidth)}x{Px(limits.MinHeight)}");
            }

            var tooWide = limits.MaxWidth is { } maxW && w > maxW.Value;
            var tooHigh = limits.MaxHeight is { } maxH && h > maxH.Value;
            if (tooWide || tooHigh)
            {
                var source = (tooWide ? limits.MaxWidth! : limits.MaxHeight!).Source;
                var fitW = limits.MaxWidth?.Value ?? int.MaxValue;
                var fitH = limits.MaxHeight?.Value ?? int.MaxValue;
                yield return Finding.Error(FindingCodes.MediaResolutionTooLarge,
                    $"{w}x{h} is too large: {kindName} may be at most {Px(limits.MaxWidth)} wide and {Px(limits.MaxHeight)} high ({source}).",
                    actual: $"{w}x{h}",
                    limit: $"<={Px(limits.MaxWidth)}x{Px(limits.MaxHeight)}",
                    fix: Fit(kind, fileName, fitW, fitH));
            }

            if (limits.MaxMegapixels is { } maxMp)
            {
                var megapixels = (double)w * h / 1_000_000;
                if (megapixels > maxMp.Value)
                {
                    yield return Finding.Error(FindingCodes.MediaTooManyMegapixels,
                        $"{w}x{h} is {Number(megapixels)} megapixels; {kindName} may have at most {Number(maxMp.Value)} ({maxMp.Source}).",
                        actual: Number(megapixels),
                        limit: Number(maxMp.Value));
                }
            }

            if (h > 0 && (limits.MinAspectRatio is not null || limits.MaxAspectRatio is not null))
            {
                var ratio = (double)w / h;
                var low = limits.MinAspectRatio;
                var high = limits.MaxAspectRatio;
                if ((low is not null && ratio < low.Value) || (high is not null && ratio > high.Value))
                {
                    var source = (low is not null && ratio < low.Value ? low : high)!.Source;
                    yield return Finding.Error(FindingCodes.MediaAspectRatioOutOfRange,
                        $"{w}x{h} has an aspect ratio (width / height) of {Number(ratio)}; {kindName} must be between {Bound(low)} and {Bound(high)} ({source}).",
                        actual: Number(ratio),
                        limit: $"{Bound(low)}..{Bound(high)}");
                }
            }
        }

        if (limits.VideoCodecs is { } videoCodecs && media.VideoCodec is { } videoCodec && !Contains(videoCodecs.Value, videoCodec))
        {
            yield return Finding.Error(FindingCodes.VideoCodecUnsupported,
                $"The video is encoded as {videoCodec}; {kindName} must be {string.Join(" or ", videoCodecs.Value)} ({videoCodecs.Source}).",
                actual: videoCodec,
                limit: string.Join(" ", videoCodecs.Value),
                fix: kind == AssetKind.Video ? FixCommands.TranscodeToMp4(fileName) : null);
        }

        if (limits.AudioCodecs is { } audioCodecs && media.AudioCodec is { } audioCodec && !Contains(audioCodecs.Value, audioCodec))
        {
            yield return Finding.Error(FindingCodes.AudioCodecUnsupported,
                $"The audio is encoded as {audioCodec}; {kindName} must be {string.Join(" or ", audioCodecs.Value)} ({audioCodecs.Source}).",
                actual: audioCodec,
                limit: string.Join(" ", audioCodecs.Value));
        }

        if (limits.MinDurationSeconds is { } minDur && media.DurationSeconds is { } seconds && seconds < minDur.Value)
        {
            yield return Finding.Error(FindingCodes.MediaDurationTooShort,
                $"{FileRules.Seconds(seconds)} is too short: {kindName} must last at least {FileRules.Seconds(minDur.Value)} ({minDur.Source}).",
                actual: FileRules.Seconds(seconds),
                limit: FileRules.Seconds(minDur.Value));
        }

        if (media.FrameRate is { } fps && (limits.MinFrameRate is not null || limits.MaxFrameRate is not null))
        {
            var low = limits.MinFrameRate;
            var high = limits.MaxFrameRate;
            if ((low is not null && fps < low.Value) || (high is not null && fps > high.Value))
            {
                var target = fps > (high?.Value ?? double.MaxValue) ? high!.Value : low!.Value;
                var source = (low is not null && fps < low.Value ? low : high)!.Source;
                yield return Finding.Error(FindingCodes.VideoFrameRateOutOfRange,
                    $"The video runs at {Number(fps)} fps; {kindName} must run between {Bound(low)} and {Bound(high)} fps ({source}).",
                    actual: Number(fps),
                    limit: $"{Bound(low)}..{Bound(high)}",
                    fix: FixCommands.ResampleFrameRate(fileName, target));
            }
        }

        if (limits.MinSampleRateHz is { } minRate && media.SampleRate is { } rate && rate < minRate.Value)
        {
            yield return Finding.Error(FindingCodes.AudioSampleRateTooLow,
                $"The audio is sampled at {rate} Hz; {kindName} needs at least {minRate.Value} Hz ({minRate.Source}).",
                actual: rate.ToString(CultureInfo.InvariantCulture),
                limit: minRate.Value.ToString(CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// A <c>profile.rules_not_checked</c> note when the profile accepts a format Preflight recognises by its bytes
    /// but cannot read (WebP, MKV, WebM, OGG, …) and has rules that need the media facts: those were not checked.
    /// </summary>
    public static Finding? NotChecked(KindLimits? limits, string format, bool accepted)
    {
        if (limits is null || !accepted) return null;
        var rules = limits.MediaRuleNames().ToList();
        if (rules.Count == 0) return null;
        return Finding.Info(FindingCodes.ProfileRulesNotChecked,
            $"Preflight recognises {Sniffing.FormatFamilies.Describe(format)} by its bytes but cannot read its media facts, so these rules were not checked: {string.Join(", ", rules)}.",
            actual: format,
            limit: string.Join(" ", rules));
    }

    private static bool Contains(IReadOnlyList<string> codecs, string codec) =>
        codecs.Any(c => string.Equals(c, codec, StringComparison.OrdinalIgnoreCase));

    private static string? Fit(AssetKind kind, string fileName, int maxWidth, int maxHeight) => kind switch
    {
        _ when maxWidth == int.MaxValue || maxHeight == int.MaxValue => null,
        AssetKind.Video => FixCommands.ScaleVideo(fileName, maxWidth, maxHeight, landscape: true),
        AssetKind.Image => FixCommands.ScaleImage(fileName, Math.Min(maxWidth, maxHeight)),
        _ => null,
    };

    private static string Px(Limit<int>? limit) => limit is null ? "any" : limit.Value.ToString(CultureInfo.InvariantCulture);

    private static string Bound(Limit<double>? limit) => limit is null ? "any" : Number(limit.Value);

    private static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
