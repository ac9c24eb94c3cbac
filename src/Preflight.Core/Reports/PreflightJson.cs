using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Preflight.Core.Reports;

/// <summary>The one JSON shape of every report: camelCase, nulls left out except where a contract says otherwise.</summary>
public static class PreflightJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: true);

    public static JsonSerializerOptions Compact { get; } = Create(indented: false);

    private static JsonSerializerOptions Create(bool indented) => new(JsonSerializerDefaults.Web)
    {
        WriteIndented = indented,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Reports are read by people in terminals as well as by scripts: keep '+', '<', non-ASCII readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        // Reports and profiles are described at build time (the context below); the same options, so the same bytes.
        // Anything else (a face's own response types) still resolves by reflection.
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ReportJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };
}

/// <summary>
/// Build-time JSON metadata of what every face writes most: reports (and profiles, whose serialised form is part of
/// the verdict cache key). Reflection-based serialisation of these was a visible share of a `check`'s start-up.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CheckReport))]
[JsonSerializable(typeof(FileReport))]
[JsonSerializable(typeof(Rules.Profile))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
