using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Zip;

/// <summary>ZIP and formats built on it: recognised, never opened.</summary>
internal static class ZipFormats
{
    public static FormatDeclaration Zip { get; } = new(
        KnownFormats.Zip, "ZIP archive", AssetKind.Unknown, "application/zip",
        Extensions: [".zip"],
        ClaimedBy: ["application/zip", "application/x-zip-compressed"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new ZipDetector(), Zip);
}
