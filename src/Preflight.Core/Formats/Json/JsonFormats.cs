using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Json;

/// <summary>JSON documents: recognised, never opened.</summary>
internal static class JsonFormats
{
    public static FormatDeclaration Json { get; } = new(
        KnownFormats.Json, "JSON document", AssetKind.Unknown, "application/json",
        Extensions: [".json"],
        ClaimedBy: ["application/json", "text/json"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new JsonDetector(), Json);
}
