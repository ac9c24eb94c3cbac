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
        // The report types' metadata is generated at build time (the same shape, no reflection or emitted code at run
        // time: a re-check answered from the verdict cache is mostly reading and writing reports); others use reflection.
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ReportJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };
}

[JsonSerializable(typeof(CheckReport))]
[JsonSerializable(typeof(FileReport))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
