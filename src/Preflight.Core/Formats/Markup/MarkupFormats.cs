using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Markup;

/// <summary>HTML, XML and SVG, told apart by the root element.</summary>
internal static class MarkupFormats
{
    public static FormatDeclaration Html { get; } = new(
        KnownFormats.Html, "HTML web page", AssetKind.Unknown, "text/html",
        Extensions: [".html", ".htm"],
        ClaimedBy: ["text/html", "application/xhtml+xml"]);

    public static FormatDeclaration Xml { get; } = new(
        KnownFormats.Xml, "XML document", AssetKind.Unknown, "application/xml",
        Extensions: [".xml"],
        ClaimedBy: ["application/xml", "text/xml"]);

    public static FormatDeclaration Svg { get; } = new(
        KnownFormats.Svg, "SVG image", AssetKind.Image, "image/svg+xml",
        Extensions: [".svg"],
        ClaimedBy: ["image/svg+xml"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new MarkupDetector(), Html, Xml, Svg);
}
