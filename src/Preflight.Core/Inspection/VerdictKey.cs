using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Preflight.Core.Reports;
using Preflight.Core.Rules;

namespace Preflight.Core.Inspection;

/// <summary>
/// The content address of a verdict: what a cached report may be reused for. Two inspections with the same key give
/// the same report (apart from <c>path</c>), so any cache — the CLI's folder, the services' shared blobs — stores and
/// looks up reports by it. A new engine build, profile, plan, mode, file name or declared kind is a new key: caches
/// are invalidated by key, never by hand.
/// </summary>
public static class VerdictKey
{
    private static readonly ConditionalWeakTable<Profile, string> ProfileDigests = [];

    /// <summary>
    /// The engine's identity: the tool version plus the engine's build identity (<c>EngineBuild.Id</c>, a hash of every
    /// input of this assembly's build, written by Preflight.Core.csproj), so a fixed rule or reader never serves a
    /// verdict of the old code.
    /// </summary>
    public static string EngineVersion { get; } = ToolInfo.BuildVersion + "+" + EngineBuild.Id;

    /// <summary>SHA-256 of the profile as resolved (every limit), so an edited profile is a new key.</summary>
    public static string ProfileDigest(Profile profile) =>
        ProfileDigests.GetValue(profile, p => Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(p, PreflightJson.Compact.Info<Profile>()))));

    /// <param name="sha256">SHA-256 of the file's bytes (lower-case hex).</param>
    /// <param name="fileName">The name the report judges (extension, and the name fix commands use).</param>
    /// <param name="declaredKind">A kind given by the caller instead of the extension's, if any.</param>
    public static string For(string sha256, string fileName, AssetKind? declaredKind, InspectionOptions options) =>
        For(sha256, fileName, declaredKind, ProfileDigest(options.Profile), options.Plan, options.Deep);

    /// <summary>
    /// The same key from the profile's <see cref="ProfileDigest"/> instead of the profile: for a caller that remembers
    /// the digest of a resolved profile (the CLI's cache), so a cache hit needs no profile loaded.
    /// </summary>
    public static string For(string sha256, string fileName, AssetKind? declaredKind, string profileDigest, string? plan, bool deep)
    {
        var material = string.Join('\n',
            "preflight-verdict/1",
            sha256,
            profileDigest,
            plan ?? "-",
            deep ? "deep" : "quick",
            EngineVersion,
            declaredKind?.ToString() ?? "-",
            fileName);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material)));
    }

    /// <summary>
    /// Whether a report is a property of the bytes alone. A timeout, an unreadable file or an inspection that could not
    /// run says something about this run, not about the content: never cached, so the next run tries again.
    /// </summary>
    public static bool IsCacheable(FileReport report) =>
        report.Sha256 is { Length: 64 }
        && report.Source is null
        && report.Staged is null
        && !report.Findings.Any(f => f.Code is FindingCodes.ProbeTimeout or FindingCodes.ProbeFailed or FindingCodes.FileUnreadable or FindingCodes.StagingFailed);
}
