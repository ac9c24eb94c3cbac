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

    /// <summary>
    /// What a <see cref="JsonException"/> from reading <paramref name="typeInfo"/> says, worded as reflection-based
    /// reading worded it. Build-time metadata sets init-only properties through the type's constructor, and
    /// System.Text.Json then names the whole type where a value does not fit one of them ("could not be converted to
    /// …JobCheckRequest"); reading by reflection named the property's type, which is named again here, so the HTTP 400
    /// and the CLI's message stay the same. (Constructor parameters, as in a positional record, were always reported
    /// with the whole type.)
    /// </summary>
    public static string Explain(JsonException e, JsonTypeInfo typeInfo)
    {
        var wholeType = $"The JSON value could not be converted to {typeInfo.Type}.";
        if (!e.Message.StartsWith(wholeType, StringComparison.Ordinal) || e.Path is not { } path || !path.StartsWith("$.", StringComparison.Ordinal))
            return e.Message;
        var property = typeInfo.Properties.FirstOrDefault(p =>
            p.AssociatedParameter is { IsMemberInitializer: true } && string.Equals(p.Name, path[2..], StringComparison.OrdinalIgnoreCase));
        return property is null ? e.Message : $"The JSON value could not be converted to {property.PropertyType}." + e.Message[wholeType.Length..];
    }

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
