using Preflight.Api.Hosting;
using Preflight.Core.Rules;

namespace Preflight.Api.Endpoints;

/// <summary>The <c>plan</c>, <c>deep</c> and <c>stage</c> options of the preflight endpoints, validated with clear messages.</summary>
internal readonly record struct CheckParameters(string? Plan, bool Deep, bool Stage)
{
    public static CheckParameters Parse(Profile profile, string? plan, string? deep, string? stage) =>
        new(ParsePlan(profile, plan), ParseFlag("deep", deep), ParseFlag("stage", stage));

    public static string? ParsePlan(Profile profile, string? plan)
    {
        if (string.IsNullOrWhiteSpace(plan)) return null;
        var normalized = plan.Trim().ToLowerInvariant();
        return profile.IsKnownPlan(normalized)
            ? normalized
            : throw RequestProblemException.BadRequest(
                $"Unknown plan {Log.Escape(plan, 40)}. Known plans: {string.Join(", ", profile.PlanOrder)}.");
    }

    /// <summary>
    /// The request's profile: <paramref name="name"/> (?profile= or a body's "profile") among the loaded profiles,
    /// else the service's (Preflight:Profile). Only names: a request never makes the service read a file.
    /// </summary>
    public static Profile SelectProfile(ProfileCatalog catalog, Profile active, string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return active;
        return catalog.Find(name)
            ?? throw RequestProblemException.BadRequest(
                $"Unknown profile {Log.Escape(name, 64)}. Known profiles: {string.Join(", ", catalog.Names)}.");
    }

    /// <summary>An optional true/false query value; anything else is a 400 rather than a silent default.</summary>
    public static bool ParseFlag(string name, string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "false" or "0" => false,
        "true" or "1" => true,
        _ => throw RequestProblemException.BadRequest($"'{name}' must be true or false (got {Log.Escape(value, 40)})."),
    };
}
