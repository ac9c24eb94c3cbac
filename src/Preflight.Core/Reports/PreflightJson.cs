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

    /// <summary>Core's build-time JSON metadata: what every face writes (reports, job reports, profiles).</summary>
    public static IJsonTypeInfoResolver Metadata => ReportJsonContext.Default;

    /// <summary>
    /// The same shape for a face that writes types of its own: <paramref name="own"/> first, then Core's metadata.
    /// Never reflection: a type nobody described fails in the ordinary test suite, as it would in the AOT binary.
    /// </summary>
    public static JsonSerializerOptions With(JsonSerializerOptions shape, IJsonTypeInfoResolver own) =>
        new(shape) { TypeInfoResolver = JsonTypeInfoResolver.Combine(own, Metadata) };

    /// <summary><paramref name="options"/>' metadata for <typeparamref name="T"/> (the AOT-safe way to (de)serialise).</summary>
    public static JsonTypeInfo<T> Info<T>(this JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Reports are read by people in terminals as well as by scripts: keep '+', '<', non-ASCII readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            // Described at build time (the context below), with these options: the same bytes as reflection gave,
            // without reflection, so the Native AOT CLI and the JIT-compiled services write identical JSON.
            TypeInfoResolver = Metadata,
        };
        options.MakeReadOnly();
        return options;
    }
}

/// <summary>
/// Build-time JSON metadata of what every face writes: reports, job requests and reports, profiles (whose serialised
/// form is part of the verdict cache key) and profile summaries. The CLI is a Native AOT binary, where reflection-based
/// serialisation does not exist; the services use the same metadata, so every face writes the same bytes.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CheckReport))]
[JsonSerializable(typeof(FileReport))]
[JsonSerializable(typeof(Rules.Profile))]
[JsonSerializable(typeof(IEnumerable<Rules.ProfileSummary>))]
[JsonSerializable(typeof(Jobs.JobCheckRequest))]
[JsonSerializable(typeof(Jobs.JobReport))]
[JsonSerializable(typeof(Remediation.FixStatus))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
