namespace Preflight.Core.Rules;

/// <summary>One line of a profile list (CLI <c>profiles list --format json</c>, <c>GET /v1/profiles</c>).</summary>
public sealed record ProfileSummary(string Name, string Title, string? Extends, string? Digest, string Origin)
{
    public static ProfileSummary Of(Profile profile) =>
        new(profile.Name, profile.Title, profile.Extends, profile.Digest, profile.Origin == ProfileCatalog.BuiltInOrigin ? "built-in" : "file");
}
