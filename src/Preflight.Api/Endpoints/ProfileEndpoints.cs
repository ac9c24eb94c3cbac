using Microsoft.AspNetCore.Http.HttpResults;
using Preflight.Api.Hosting;
using Preflight.Core.Rules;

namespace Preflight.Api.Endpoints;

/// <summary>
/// The active profile (<c>active</c>, <c>profiles</c>: as before) and every loaded profile (<c>available</c>: name,
/// title, extends, digest) a request may select with <c>?profile=</c>.
/// </summary>
public sealed record ProfilesResponse(string Active, IReadOnlyList<Profile> Profiles, IReadOnlyList<ProfileSummary> Available);

/// <summary>
/// <c>GET /v1/profiles</c>: every limit the service enforces, each with the sentence it came from;
/// <c>GET /v1/profiles/{name}</c>: one profile resolved; <c>GET /v1/profiles/schema</c>: the JSON Schema of profiles.
/// </summary>
internal static class ProfileEndpoints
{
    public static RouteGroupBuilder MapProfileEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/profiles", GetProfiles)
            .WithName("GetProfiles")
            .WithSummary("The active rule profile: every limit with its provenance; 'available' lists every loaded profile");
        v1.MapGet("/profiles/schema", GetSchema)
            .WithName("GetProfileSchema")
            .WithSummary("The JSON Schema every profile document satisfies (docs/profile.schema.json)")
            .Produces<string>(StatusCodes.Status200OK, "application/schema+json");
        v1.MapGet("/profiles/{name}", GetProfile)
            .WithName("GetProfile")
            .WithSummary("One profile, resolved (inheritance applied), every rule with its source and digest")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return v1;
    }

    private static Ok<ProfilesResponse> GetProfiles(Profile profile, ProfileCatalog catalog) =>
        TypedResults.Ok(new ProfilesResponse(profile.Name, [profile], [.. catalog.All.Select(ProfileSummary.Of)]));

    private static Results<Ok<Profile>, ProblemHttpResult> GetProfile(string name, ProfileCatalog catalog) =>
        catalog.Find(name) is { } profile
            ? TypedResults.Ok(profile)
            : Problems.Make(StatusCodes.Status404NotFound, "Unknown profile",
                $"No profile {Log.Escape(name, 64)}. Known profiles: {string.Join(", ", catalog.Names)}.");

    private static ContentHttpResult GetSchema() =>
        TypedResults.Text(ProfileCatalog.SchemaText, "application/schema+json");
}
