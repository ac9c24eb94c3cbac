using System.Globalization;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Rules;

/// <summary>
/// The rules for one file, reading limits from a <see cref="Profile"/>. Pure functions: the inspector
/// gathers facts (extension, sniffed format, size, media facts), these turn them into findings.
/// </summary>
public static class FileRules
{
    /// <summary>Formats that a plain re-mux turns into an accepted one: named as the accepted one, they are a mismatch.</summary>
    private static readonly Dictionary<string, string> RemuxableTo = new()
    {
        [KnownFormats.Mov] = KnownFormats.Mp4,
    };

    /// <summary>Extension, kind and real format: <c>format.unsupported</c> / <c>format.extension_mismatch</c>.</summary>
    public static IEnumerable<Finding> Format(Profile profile, AssetKind declaredKind, string fileName, SniffResult sniff)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        var what = FormatFamilies.Describe(sniff.Format);
        if (sniff.Format == KnownFormats.Empty) yield break; // file.empty says it all

        if (declaredKind == AssetKind.Unknown)
        {
            var shown = extension.Length == 0 ? "no extension" : $"extension '{extension}'";
            yield return Finding.Error(FindingCodes.FormatUnsupported,
                $"Files with {shown} are not accepted ({AcceptedSummary(profile)}). The content is {what}.",
                actual: extension.Length == 0 ? "(none)" : extension,
                limit: AcceptedExtensions(profile),
                fix: FixForFormat(profile, fileName, sniff.Format));
            yield break;
        }

        var limits = profile.LimitsFor(declaredKind)!;
        var promised = limits.FormatForExtension(extension);
        var acceptedBy = profile.KindAccepting(sniff.Format);
        var kindName = Profile.KindName(declaredKind);

        if (promised is not null && sniff.Format == promised) yield break;
        if (promised is null && acceptedBy == declaredKind) yield break; // kind given explicitly, no telling extension

        if (acceptedBy is not null || (promised is not null && RemuxableTo.GetValueOrDefault(sniff.Format) == promised))
        {
            var rightExtension = PreferredExtension(profile, sniff.Format);
            var named = promised is null ? $"declared as {kindName}" : $"named '{extension}'";
            yield return Finding.Error(FormatIsMismatchFor(promised, acceptedBy),
                $"The file is {named} but is really {what} ({sniff.Basis}). The API trusts the extension; it must match the content.",
                actual: sniff.Format,
                limit: promised ?? FormatLimit(limits, kindName),
                fix: FixForMismatch(fileName, sniff.Format, rightExtension));
            yield break;
        }

        yield return Finding.Error(FindingCodes.FormatUnsupported,
            $"The file is {what} ({sniff.Basis}); {kindName} must be {FormatList(limits)}.",
            actual: sniff.Format,
            limit: FormatLimit(limits, kindName),
            fix: FixForFormat(profile, fileName, sniff.Format));
    }

    private static string FormatLimit(KindLimits limits, string kindName) =>
        limits.ListsFormats ? string.Join(" or ", limits.Formats) : "any " + kindName;

    private static string FormatIsMismatchFor(string? promised, AssetKind? acceptedBy) =>
        promised is null && acceptedBy is null ? FindingCodes.FormatUnsupported : FindingCodes.FormatExtensionMismatch;

    /// <summary><c>file.too_large</c> against the kind's size limit.</summary>
    public static IEnumerable<Finding> Size(Profile profile, AssetKind kind, string fileName, long sizeBytes, MediaFacts? media)
    {
        if (profile.LimitsFor(kind)?.MaxBytesRule is not { } maxBytes || sizeBytes <= maxBytes.Value) yield break;
        string? fix = kind switch
        {
            AssetKind.Video when media?.DurationSeconds is > 0 => FixCommands.ShrinkVideo(fileName, maxBytes.Value, media.DurationSeconds.Value),
            AssetKind.Audio => FixCommands.ConvertAudioToMp3(fileName),
            AssetKind.Image => FixCommands.ConvertImage(fileName, ".jpg"),
            _ => null,
        };
        yield return Finding.Error(FindingCodes.FileTooLarge,
            $"{Profile.KindName(kind)} files may be at most {Megabytes(profile, maxBytes.Value)} ({maxBytes.Source}); this one is {Megabytes(profile, sizeBytes)}.",
            actual: sizeBytes.ToString(CultureInfo.InvariantCulture),
            limit: maxBytes.Value.ToString(CultureInfo.InvariantCulture),
            fix: fix);
    }

    /// <summary>Resolution, duration and frame-rate limits of the kind and, for video, of the plan.</summary>
    public static IEnumerable<Finding> Media(Profile profile, AssetKind kind, string fileName, MediaFacts media, string? plan)
    {
        var limits = profile.LimitsFor(kind);
        if (limits is null) yield break;

        if (limits.MaxDimensionExclusive is { } maxDim && media is { Width: { } w, Height: { } h } && (w >= maxDim.Value || h >= maxDim.Value))
        {
            var largest = maxDim.Value - 1;
            yield return Finding.Error(FindingCodes.MediaResolutionTooLarge,
                $"{w}x{h} is too large: {Profile.KindName(kind)} must be under {maxDim.Value} px on each side ({maxDim.Source}).",
                actual: $"{w}x{h}",
                limit: $"<{maxDim.Value}x{maxDim.Value}",
                fix: kind == AssetKind.Video
                    ? FixCommands.ScaleVideo(fileName, largest, largest, w >= h)
                    : FixCommands.ScaleImage(fileName, largest));
        }

        if (limits.MaxDurationSeconds is { } maxDur && media.DurationSeconds is { } seconds && seconds > maxDur.Value)
        {
            yield return Finding.Error(FindingCodes.MediaDurationTooLong,
                $"{Seconds(seconds)} is too long: {Profile.KindName(kind)} may last at most {Seconds(maxDur.Value)} ({maxDur.Source}).",
                actual: Seconds(seconds),
                limit: Seconds(maxDur.Value),
                fix: FixCommands.TrimAudio(fileName, maxDur.Value));
        }

        foreach (var finding in KindRules.Check(limits, kind, fileName, media)) yield return finding;

        if (kind != AssetKind.Video) yield break;

        if (media.FrameRate is { } fps && profile.OutputFrameRate is { } output && Math.Abs(fps - output.Value) > 0.01)
        {
            yield return Finding.Warning(FindingCodes.VideoFrameRateChanged,
                $"The video runs at {fps:0.###} fps; output is {output.Value:0.###} fps ({output.Source}), so motion will be resampled.",
                actual: fps.ToString("0.###", CultureInfo.InvariantCulture),
                limit: output.Value.ToString("0.###", CultureInfo.InvariantCulture),
                fix: FixCommands.ResampleFrameRate(fileName, output.Value));
        }

        if (profile.PlanOrNull(plan) is not { } planLimits) yield break;

        if (media is { Width: { } pw, Height: { } ph })
        {
            var shortSide = Math.Min(pw, ph);
            var longSide = Math.Max(pw, ph);
            if (shortSide > planLimits.MaxShortSide.Value || longSide > planLimits.MaxLongSide.Value)
            {
                yield return Finding.Error(FindingCodes.MediaResolutionTooLarge,
                    $"{pw}x{ph} is above the {planLimits.Title} plan's {planLimits.ResolutionName} limit ({planLimits.MaxShortSide.Source}).",
                    actual: $"{pw}x{ph}",
                    limit: $"{planLimits.ResolutionName} ({planLimits.MaxLongSide.Value}x{planLimits.MaxShortSide.Value}, plan {plan})",
                    fix: FixCommands.ScaleVideo(fileName, planLimits.MaxLongSide.Value, planLimits.MaxShortSide.Value, pw >= ph));
            }
        }

        if (planLimits.MaxVideoSeconds is { } planMax && media.DurationSeconds is { } videoSeconds && videoSeconds > planMax.Value)
        {
            yield return Finding.Error(FindingCodes.MediaDurationTooLong,
                $"{Seconds(videoSeconds)} is longer than the {planLimits.Title} plan allows ({planMax.Source}).",
                actual: Seconds(videoSeconds),
                limit: $"{Seconds(planMax.Value)} (plan {plan})",
                fix: FixCommands.TrimVideo(fileName, planMax.Value));
        }
    }

    /// <summary>The extension an accepted format should carry (".jpg" for jpeg).</summary>
    public static string PreferredExtension(Profile profile, string format)
    {
        foreach (var kind in profile.Kinds.Values)
        {
            foreach (var (ext, fmt) in kind.Extensions ?? new Dictionary<string, string>())
            {
                if (fmt == format) return ext;
            }
        }
        return RemuxableTo.TryGetValue(format, out var target) ? PreferredExtension(profile, target) : "." + format;
    }

    private static string? FixForMismatch(string fileName, string realFormat, string rightExtension) =>
        RemuxableTo.ContainsKey(realFormat)
            ? FixCommands.RemuxToMp4(fileName)
            : FixCommands.Rename(fileName, rightExtension);

    /// <summary>A conversion into the accepted format of the same family, where ffmpeg can do it.</summary>
    private static string? FixForFormat(Profile profile, string fileName, string format) =>
        FormatFamilies.FamilyOf(format) switch
        {
            AssetKind.Video => RemuxableTo.ContainsKey(format) ? FixCommands.RemuxToMp4(fileName) : FixCommands.TranscodeToMp4(fileName),
            AssetKind.Image when format != KnownFormats.Svg => FixCommands.ConvertImage(fileName, ".png"),
            AssetKind.Audio => FixCommands.ConvertAudioToMp3(fileName),
            _ => null,
        };

    private static string AcceptedSummary(Profile profile) =>
        string.Join("; ", profile.Kinds.Select(k => $"{k.Key}: {(k.Value.Extensions is { } e ? string.Join(", ", e.Keys) : "any " + k.Key + " format")}"));

    private static string AcceptedExtensions(Profile profile) =>
        string.Join(" ", profile.Kinds.Values.SelectMany(k => k.Extensions?.Keys ?? Enumerable.Empty<string>()));

    private static string FormatList(KindLimits limits) =>
        limits.ListsFormats ? string.Join(" or ", limits.Formats.Select(f => f.ToUpperInvariant())) : "a recognised format of that kind";

    public static string Megabytes(Profile profile, long bytes) =>
        (bytes / (double)profile.Megabyte.Value).ToString("0.##", CultureInfo.InvariantCulture) + " MB";

    public static string Seconds(double seconds) =>
        seconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
