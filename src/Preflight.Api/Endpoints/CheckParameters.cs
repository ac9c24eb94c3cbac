using Preflight.Api.Hosting;
using Preflight.Core.Rules;

namespace Preflight.Api.Endpoints;

/// <summary>The <c>plan</c> and <c>deep</c> options shared by both preflight endpoints, validated with clear messages.</summary>
internal readonly record struct CheckParameters(string? Plan, bool Deep)
{
    public static CheckParameters Parse(Profile profile, string? plan, string? deep)
    {
        var parsedDeep = deep?.Trim().ToLowerInvariant() switch
        {
            null or "" or "false" or "0" => false,
            "true" or "1" => true,
            _ => throw RequestProblemException.BadRequest($"'deep' must be true or false (got {Log.Escape(deep, 40)})."),
        };
        return new CheckParameters(ParsePlan(profile, plan), parsedDeep);
    }

    public static string? ParsePlan(Profile profile, string? plan)
    {
        if (string.IsNullOrWhiteSpace(plan)) return null;
        var normalized = plan.Trim().ToLowerInvariant();
        return profile.IsKnownPlan(normalized)
            ? normalized
            : throw RequestProblemException.BadRequest(
                $"Unknown plan {Log.Escape(plan, 40)}. Known plans: {string.Join(", ", profile.PlanOrder)}.");
    }
}
