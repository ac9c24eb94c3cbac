using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Preflight.Core.Reports.Html;

/// <summary>
/// One self-contained HTML file: the report JSON embedded as data, drawn by the same card script as the service's
/// page, with a summary, a "failures only" filter and a search box. Nothing is fetched (a Content-Security-Policy
/// allows only its own inline script and style, by hash, and data: images), so it works opened from disk.
/// Previews, when the entries carry them, are the small embedded images.
/// </summary>
public sealed class HtmlReportWriter : Writers.IReportWriter
{
    // The default encoder escapes <, >, & and quotes, so no report text can close the <script> element.
    private static readonly JsonSerializerOptions EmbeddedJson = new(PreflightJson.Compact) { Encoder = JavaScriptEncoder.Default };

    private static readonly Lazy<(string Style, string CardsScript, string ReportScript)> Assets = new(() => (
        HtmlAssets.Text(HtmlAssets.CardsStyle) + "\n" + HtmlAssets.Text(HtmlAssets.ReportStyle),
        HtmlAssets.Text(HtmlAssets.CardsScript),
        HtmlAssets.Text(HtmlAssets.ReportScript)));

    public string Format => Writers.ReportWriters.Html;

    public string MediaType => "text/html";

    public async Task WriteAsync(CheckReport report, TextWriter output, CancellationToken cancellationToken)
    {
        var (style, cards, script) = Assets.Value;
        var summary = $"{report.Summary.Files} {(report.Summary.Files == 1 ? "file" : "files")}: " +
                      $"{report.Summary.Passed} passed, {report.Summary.Failed} failed";
        var context = $"profile {report.Profile} · plan {report.Plan ?? "none"} · {report.Tool.Name} {report.Tool.Version} · " +
                      DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        var csp = $"default-src 'none'; img-src data:; style-src '{Hash(style)}'; " +
                  $"script-src '{Hash(cards)}' '{Hash(script)}'; base-uri 'none'; form-action 'none'";

        var html = new StringBuilder(capacity: 64 * 1024);
        html.Append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"").Append(csp).Append("\">\n")
            .Append("<title>Preflight report — ").Append(WebUtility.HtmlEncode(summary)).Append("</title>\n")
            .Append("<style>").Append(style).Append("</style>\n</head>\n<body>\n")
            .Append("<header class=\"top\"><div class=\"wrap\"><h1>Preflight report</h1><p>")
            .Append(WebUtility.HtmlEncode(context)).Append("</p></div></header>\n")
            .Append("<main class=\"wrap\">\n<h2 id=\"summary\">").Append(WebUtility.HtmlEncode(summary)).Append("</h2>\n")
            .Append("<div class=\"controls\">")
            .Append("<label><input type=\"checkbox\" id=\"failures-only\"> Failures only</label>")
            .Append("<label class=\"search\">Search <input type=\"search\" id=\"search\" placeholder=\"name, code or message\"></label>")
            .Append("<span class=\"shown\" id=\"shown\" role=\"status\"></span></div>\n")
            .Append("<div class=\"cards\" id=\"cards\"></div>\n")
            .Append("<noscript><p>The cards need JavaScript; the report's JSON is in this file's source (report-data).</p></noscript>\n")
            .Append("</main>\n<script type=\"application/json\" id=\"report-data\">")
            .Append(JsonSerializer.Serialize(report, EmbeddedJson.Info<CheckReport>())).Append("</script>\n")
            .Append("<script>").Append(cards).Append("</script>\n")
            .Append("<script>").Append(script).Append("</script>\n</body>\n</html>\n");

        await output.WriteAsync(html, cancellationToken);
        await output.FlushAsync(cancellationToken);
    }

    private static string Hash(string content) =>
        "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
}
