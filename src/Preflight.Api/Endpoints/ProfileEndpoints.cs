using Microsoft.AspNetCore.Http.HttpResults;
using Preflight.Core.Rules;

namespace Preflight.Api.Endpoints;

/// <summary>The active profile(s) and the active plan names.</summary>
public sealed record ProfilesResponse(string Active, IReadOnlyList<Profile> Profiles);

/// <summary><c>GET /v1/profiles</c>: every limit the service enforces, each with the sentence it came from.</summary>
internal static class ProfileEndpoints
{
    public static RouteGroupBuilder MapProfileEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/profiles", GetProfiles)
            .WithName("GetProfiles")
            .WithSummary("The active rule profile: every limit with its provenance");
        return v1;
    }

    private static Ok<ProfilesResponse> GetProfiles(Profile profile) => TypedResults.Ok(new ProfilesResponse(profile.Name, [profile]));
}
