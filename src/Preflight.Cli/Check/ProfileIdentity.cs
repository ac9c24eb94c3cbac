using System.Text;
using Microsoft.Extensions.Configuration;
using Preflight.Core.Inspection;
using Preflight.Core.Rules;
using Preflight.Hosting;

namespace Preflight.Cli.Check;

/// <summary>
/// What <c>check</c> needs of its profile when every verdict comes from the cache: the name the report shows, the
/// digest the verdict keys hold (<see cref="VerdictKey.ProfileDigest"/>) and the plans <c>--plan</c> is checked against.
/// The verdict cache remembers it per <see cref="Fingerprint"/>, so a warm run loads no profile at all.
/// </summary>
public sealed record ProfileIdentity(string Name, string Digest, IReadOnlyList<string> PlanOrder, IReadOnlyList<string> Plans)
{
    public static ProfileIdentity Of(Profile profile) =>
        new(profile.Name, VerdictKey.ProfileDigest(profile), profile.PlanOrder, [.. profile.Plans.Keys]);

    public bool IsKnownPlan(string plan) => Plans.Contains(plan.ToLowerInvariant(), StringComparer.Ordinal);

    /// <summary>What resolving the profile takes from the configuration: <c>Preflight:Profile</c> and the profile paths.</summary>
    public sealed record Sources(string Selection, IReadOnlyList<string> Paths)
    {
        public static Sources Of(IConfiguration configuration) =>
            new(configuration[PreflightEngine.ProfileKey] ?? "", PreflightEngine.ProfilePaths(configuration));
    }

    /// <summary>
    /// Everything resolving the profile reads, as one text: the engine build (the built-in profiles are embedded in it),
    /// <c>Preflight:Profile</c>, and each <c>Preflight:ProfilePaths</c> entry and profile file with its status (device,
    /// inode, size, times; a folder's own status and each <c>*.json</c> in it). Any change gives another fingerprint,
    /// so the profile is resolved again; nothing is invalidated by hand. (The cache compares it whole; no hash.)
    /// </summary>
    public static string Fingerprint(IConfiguration configuration) => Fingerprint(Sources.Of(configuration));

    /// <summary>The same from the configuration's <see cref="Sources"/> (remembered by the cache, so none is built).</summary>
    public static string Fingerprint(Sources sources)
    {
        var text = new StringBuilder("preflight-profile/1\n").Append(VerdictKey.EngineVersion).Append('\n');
        var selection = sources.Selection;
        text.Append("profile ").Append(selection).Append('\n');
        foreach (var path in sources.Paths) AppendPath(text, path);
        // A selection that names a file (resolved only when it is not a profile name): its status too.
        if (selection.Length > 0 && File.Exists(selection)) AppendPath(text, selection);
        return text.ToString();
    }

    private static void AppendPath(StringBuilder text, string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return;
        var full = Path.GetFullPath(path);
        text.Append("path ").Append(full).Append(' ').Append(FileStat.TryGet(full)?.ToString() ?? "-").Append('\n');
        if (!Directory.Exists(full)) return;
        // The files ProfileCatalog.Create reads from a folder, in its order.
        foreach (var file in Directory.EnumerateFiles(full, "*.json").Order(StringComparer.Ordinal))
            text.Append("file ").Append(file).Append(' ').Append(FileStat.TryGet(file)?.ToString() ?? "-").Append('\n');
    }
}
