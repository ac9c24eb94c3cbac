using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Preflight.Core.Rules;

/// <summary>
/// <c>docs/profile.schema.json</c> applied to a resolved profile document. Its own class so that JsonSchema.Net
/// (whose module initializer registers every vocabulary, ~0.3 s of JIT) loads only when a user profile is read,
/// never on a plain <c>check</c> with the built-in profiles.
/// </summary>
internal static class ProfileSchema
{
    private static readonly Lazy<JsonSchema> Document = new(() =>
        JsonSchema.FromText(ProfileCatalog.SchemaText, new BuildOptions { SchemaRegistry = new SchemaRegistry() }));

    public static List<ProfileError> Validate(JsonObject document, string file)
    {
        // JsonNode → JsonElement without reflection: write the node, read it back as a document.
        using var parsed = JsonDocument.Parse(document.ToJsonString());
        var element = parsed.RootElement;
        var results = Document.Value.Evaluate(element, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
        if (results.IsValid) return [];
        var errors = new List<ProfileError>();
        Collect(results, file, errors);
        if (errors.Count == 0) errors.Add(new ProfileError(file, "/", "does not match docs/profile.schema.json"));
        return errors.Distinct().ToList();
    }

    /// <summary>Errors of failing nodes only: a branch that failed inside an <c>anyOf</c> that passed is not an error.</summary>
    private static void Collect(EvaluationResults node, string file, List<ProfileError> errors)
    {
        if (node.IsValid) return;
        var where = node.InstanceLocation.ToString();
        if (where.Length == 0) where = "/";
        var nullBranch = node.EvaluationPath.ToString().EndsWith("/anyOf/0", StringComparison.Ordinal);
        foreach (var (keyword, message) in node.Errors ?? new Dictionary<string, string>())
        {
            // anyOf [null, rule] fails twice for a bad rule; "should be null" says nothing useful.
            if (nullBranch && keyword == "type") continue;
            errors.Add(new ProfileError(file, where, Explain(keyword, message, where)));
        }
        foreach (var child in node.Details ?? []) Collect(child, file, errors);
    }

    private static string Explain(string keyword, string message, string where)
    {
        if (message.Contains("false schema", StringComparison.Ordinal))
            return $"unknown key '{where[(where.LastIndexOf('/') + 1)..]}': docs/profile.schema.json has no such rule or field here";
        return keyword == "anyOf" ? "expected null or a rule object {\"value\": ..., \"source\": \"...\"}" : message;
    }
}
