using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.FfConcat;

/// <summary>ffconcat scripts: recognised broadly and never opened (they name other files).</summary>
internal static class FfConcatFormats
{
    public static FormatDeclaration FfConcat { get; } = new(
        KnownFormats.FfConcat, "ffconcat script (text)", AssetKind.Unknown, "text/plain",
        Extensions: [".ffconcat"],
        ClaimedBy: []);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new FfConcatDetector(), FfConcat);
}
