using Preflight.Core.Formats;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Inspection;

/// <summary>
/// Verdicts that the first bytes of a file settle, so the rest need not be stored or downloaded: bytes of a format the
/// declared kind (or extension) refuses fail whatever follows them.
/// </summary>
public static class HeadVerdict
{
    /// <summary>
    /// True when a file named <paramref name="fileName"/>, declared as <paramref name="declaredKind"/>, fails on what
    /// <paramref name="sniff"/> says alone: a format error that no later byte can lift. Unrecognised bytes are never
    /// settled this way (under an accepted extension they are a damaged file of that format, for its reader to judge),
    /// nor is a format the kind accepts under another name unless the engine would not read it anyway.
    /// </summary>
    public static bool Fails(Profile profile, AssetKind declaredKind, string fileName, SniffResult sniff)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(sniff);
        if (sniff.Format is KnownFormats.Unknown or KnownFormats.Empty) return false;
        if (!FileRules.Format(profile, declaredKind, fileName, sniff).Any(f => f.Severity == Severity.Error)) return false;
        return ReportFollowsFromHead(sniff.Format) || profile.KindAccepting(sniff.Format) != declaredKind;
    }

    /// <summary>
    /// True when the engine reads nothing of such a file beyond what it is (no structure reader, no ffprobe): its report
    /// follows from the sniff, the size and the hash alone (<see cref="Report"/>).
    /// </summary>
    public static bool ReportFollowsFromHead(string format) =>
        format is not (KnownFormats.Unknown or KnownFormats.Empty) && FormatRegistry.Find(format)?.Prober is null;

    /// <summary>
    /// The report the engine gives a file it does not probe (for a format <see cref="ReportFollowsFromHead"/>, the very
    /// same); for any other format, the findings its first bytes and size decide, without media facts.
    /// </summary>
    public static FileReport Report(Profile profile, string displayPath, AssetKind? declaredKind, SniffResult sniff, long sizeBytes, string? sha256)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(displayPath);
        ArgumentNullException.ThrowIfNull(sniff);
        var fileName = FileNameOf(displayPath);
        var kind = declaredKind ?? profile.KindFromExtension(Path.GetExtension(fileName));
        // A verdict from the head is only ever given to bytes that were there: never to an empty file.
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sizeBytes);
        var findings = Findings(profile, kind, fileName, sniff, sizeBytes, unprobed: ReportFollowsFromHead(sniff.Format)).ToList();
        return FileReport.Of(displayPath, kind, sniff, sizeBytes, sha256, media: null, findings);
    }

    /// <summary>The engine's findings for a file that is not probed: format, the rules it could not check, size.</summary>
    internal static IEnumerable<Finding> Findings(Profile profile, AssetKind declaredKind, string fileName, SniffResult sniff, long sizeBytes, bool unprobed)
    {
        foreach (var finding in FileRules.Format(profile, declaredKind, fileName, sniff)) yield return finding;
        var effectiveKind = EffectiveKind(profile, sniff.Format, declaredKind);
        if (unprobed && sizeBytes > 0
            && KindRules.NotChecked(profile.LimitsFor(effectiveKind), sniff.Format, profile.KindAccepting(sniff.Format) == effectiveKind) is { } notChecked)
        {
            yield return notChecked;
        }
        foreach (var finding in FileRules.Size(profile, effectiveKind == AssetKind.Unknown ? declaredKind : effectiveKind, fileName, sizeBytes, media: null))
            yield return finding;
    }

    /// <summary>Limits follow what the bytes are when a kind accepts them (a PNG named .mp4 is still judged as an image).</summary>
    internal static AssetKind EffectiveKind(Profile profile, string format, AssetKind declared)
    {
        if (profile.KindAccepting(format) is { } accepting) return accepting;
        var family = FormatFamilies.FamilyOf(format);
        return family == AssetKind.Unknown ? declared : family;
    }

    internal static string FileNameOf(string displayPath) => Path.GetFileName(displayPath.Replace('\\', '/').TrimEnd('/'));
}
