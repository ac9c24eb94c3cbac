using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Pdf;

/// <summary>PDF: recognised, never opened.</summary>
internal static class PdfFormats
{
    public static FormatDeclaration Pdf { get; } = new(
        KnownFormats.Pdf, "PDF document", AssetKind.Unknown, "application/pdf",
        Extensions: [".pdf"],
        ClaimedBy: ["application/pdf"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new PdfDetector(), Pdf);
}
