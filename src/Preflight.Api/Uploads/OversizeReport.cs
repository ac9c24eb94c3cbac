using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Core.Sniffing;

namespace Preflight.Api.Uploads;

/// <summary>
/// The report for a file that went past its kind's size limit and was therefore not kept whole. Inspecting the
/// truncated copy would invent corruption, so it gets what is certain: what its first bytes are, and its size.
/// </summary>
internal static class OversizeReport
{
    public static FileReport Create(Profile profile, string displayName, string storedPrefixPath, long sizeBytes, string sha256,
        AssetKind declaredKind)
    {
        var fileName = Path.GetFileName(displayName.Replace('\\', '/').TrimEnd('/'));
        var sniff = FormatSniffer.Default.Sniff(storedPrefixPath);
        var sizeKind = declaredKind == AssetKind.Unknown ? LargestKind(profile) : declaredKind;
        var findings = FileRules.Format(profile, declaredKind, fileName, sniff)
            .Concat(FileRules.Size(profile, sizeKind, fileName, sizeBytes, media: null))
            .ToList();
        return new FileReport
        {
            Path = displayName,
            Kind = declaredKind,
            Verdict = FileReport.VerdictOf(findings),
            SizeBytes = sizeBytes,
            Sha256 = sha256,
            Detected = DetectedFormat.From(sniff),
            Findings = findings,
        };
    }

    private static AssetKind LargestKind(Profile profile) =>
        Profile.ParseKind(profile.Kinds.MaxBy(k => k.Value.MaxBytes.Value).Key) ?? AssetKind.Unknown;
}
