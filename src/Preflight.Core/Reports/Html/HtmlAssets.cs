using System.Text;

namespace Preflight.Core.Reports.Html;

/// <summary>The result cards' script and style, embedded in this assembly: one copy for the HTML report and the page.</summary>
public static class HtmlAssets
{
    public const string CardsScript = "cards.js";
    public const string CardsStyle = "cards.css";
    internal const string ReportScript = "report.js";
    internal const string ReportStyle = "report.css";

    /// <summary>The text of an embedded asset (<c>cards.js</c>, <c>cards.css</c>, …).</summary>
    public static string Text(string name)
    {
        using var stream = typeof(HtmlAssets).Assembly.GetManifestResourceStream("Preflight.Html." + name)
            ?? throw new InvalidOperationException($"Embedded asset '{name}' is missing from Preflight.Core.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public static byte[] Bytes(string name) => Encoding.UTF8.GetBytes(Text(name));
}
