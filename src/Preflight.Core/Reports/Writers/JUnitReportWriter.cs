using System.Globalization;
using System.Text;
using System.Xml;

namespace Preflight.Core.Reports.Writers;

/// <summary>
/// The report as JUnit XML so a CI pipeline can gate on it: one test case per file (classname = kind,
/// name = path), one <c>failure</c> per error finding, warnings and notes in <c>system-out</c>.
/// </summary>
public sealed class JUnitReportWriter : IReportWriter
{
    public string Format => ReportWriters.JUnit;

    public string MediaType => "application/xml";

    /// <summary>JUnit's <c>time</c>: seconds, at most three decimals.</summary>
    public string DurationText(long milliseconds) => (milliseconds / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    public async Task WriteAsync(CheckReport report, TextWriter output, CancellationToken cancellationToken)
    {
        // The declaration is written by hand: XmlWriter would name the TextWriter's encoding (utf-16 for a
        // StringWriter), while every file and pipe we write to is UTF-8.
        await output.WriteAsync("<?xml version=\"1.0\" encoding=\"UTF-8\"?>" + Environment.NewLine);
        var settings = new XmlWriterSettings
        {
            Async = true,
            Indent = true,
            OmitXmlDeclaration = true,
            ConformanceLevel = ConformanceLevel.Document,
            NewLineChars = Environment.NewLine,
            CloseOutput = false,
        };
        await using (var xml = XmlWriter.Create(output, settings))
        {
            var tests = report.Summary.Files.ToString(CultureInfo.InvariantCulture);
            var failures = report.Summary.Failed.ToString(CultureInfo.InvariantCulture);
            var time = DurationText(report.Summary.DurationMs);

            await xml.WriteStartElementAsync(null, "testsuites", null);
            await xml.WriteAttributeStringAsync(null, "name", null, report.Tool.Name);
            await xml.WriteAttributeStringAsync(null, "tests", null, tests);
            await xml.WriteAttributeStringAsync(null, "failures", null, failures);
            await xml.WriteAttributeStringAsync(null, "errors", null, "0");
            await xml.WriteAttributeStringAsync(null, "time", null, time);

            await xml.WriteStartElementAsync(null, "testsuite", null);
            await xml.WriteAttributeStringAsync(null, "name", null, report.Tool.Name);
            await xml.WriteAttributeStringAsync(null, "tests", null, tests);
            await xml.WriteAttributeStringAsync(null, "failures", null, failures);
            await xml.WriteAttributeStringAsync(null, "errors", null, "0");
            await xml.WriteAttributeStringAsync(null, "skipped", null, "0");
            await xml.WriteAttributeStringAsync(null, "time", null, time);

            await xml.WriteStartElementAsync(null, "properties", null);
            await WritePropertyAsync(xml, "version", report.Tool.Version);
            await WritePropertyAsync(xml, "profile", report.Profile);
            await WritePropertyAsync(xml, "plan", report.Plan ?? "");
            await xml.WriteEndElementAsync();

            foreach (var file in report.Files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await WriteTestCaseAsync(xml, file);
            }

            await xml.WriteEndElementAsync();
            await xml.WriteEndElementAsync();
        }
        await output.WriteAsync(Environment.NewLine);
        await output.FlushAsync(cancellationToken);
    }

    private static async Task WritePropertyAsync(XmlWriter xml, string name, string value)
    {
        await xml.WriteStartElementAsync(null, "property", null);
        await xml.WriteAttributeStringAsync(null, "name", null, name);
        await xml.WriteAttributeStringAsync(null, "value", null, XmlSafe(value));
        await xml.WriteEndElementAsync();
    }

    private static async Task WriteTestCaseAsync(XmlWriter xml, FileReport file)
    {
        await xml.WriteStartElementAsync(null, "testcase", null);
        await xml.WriteAttributeStringAsync(null, "classname", null, ReportText.Kind(file.Kind));
        await xml.WriteAttributeStringAsync(null, "name", null, XmlSafe(file.Path));

        foreach (var finding in file.Findings.Where(f => f.Severity == Severity.Error))
        {
            await xml.WriteStartElementAsync(null, "failure", null);
            await xml.WriteAttributeStringAsync(null, "type", null, finding.Code);
            await xml.WriteAttributeStringAsync(null, "message", null, XmlSafe(finding.Message));
            await xml.WriteStringAsync(XmlSafe(FailureBody(finding)));
            await xml.WriteEndElementAsync();
        }

        var notes = file.Findings.Where(f => f.Severity != Severity.Error).ToList();
        if (notes.Count > 0)
        {
            var text = new StringBuilder();
            foreach (var note in notes)
            {
                text.Append(ReportText.Severity(note.Severity)).Append(' ').Append(note.Code).Append(": ").AppendLine(note.Message);
                AppendDetails(text, note, indent: "  ");
            }
            await xml.WriteElementStringAsync(null, "system-out", null, XmlSafe(text.ToString()));
        }

        await xml.WriteEndElementAsync();
    }

    private static string FailureBody(Finding finding)
    {
        var text = new StringBuilder();
        text.AppendLine(finding.Message);
        AppendDetails(text, finding, indent: "");
        return text.ToString();
    }

    private static void AppendDetails(StringBuilder text, Finding finding, string indent)
    {
        if (finding.Actual is not null) text.Append(indent).Append("actual: ").AppendLine(finding.Actual);
        if (finding.Limit is not null) text.Append(indent).Append("limit: ").AppendLine(finding.Limit);
        if (finding.Fix is not null) text.Append(indent).Append("fix: ").AppendLine(finding.Fix);
    }

    /// <summary>
    /// File names may hold characters XML 1.0 cannot carry at all (control characters); XmlWriter would throw.
    /// They are replaced with U+FFFD so the report stays well-formed.
    /// </summary>
    private static string XmlSafe(string value)
    {
        var firstBad = -1;
        for (var i = 0; i < value.Length; i++)
        {
            if (!IsXmlCharAt(value, i, out var width)) { firstBad = i; break; }
            i += width - 1;
        }
        if (firstBad < 0) return value;

        var safe = new StringBuilder(value.Length);
        safe.Append(value, 0, firstBad);
        for (var i = firstBad; i < value.Length; i++)
        {
            if (IsXmlCharAt(value, i, out var width))
            {
                safe.Append(value, i, width);
                i += width - 1;
            }
            else
            {
                safe.Append('\uFFFD');
            }
        }
        return safe.ToString();
    }

    private static bool IsXmlCharAt(string value, int index, out int width)
    {
        width = 1;
        if (XmlConvert.IsXmlChar(value[index])) return true;
        if (index + 1 < value.Length && XmlConvert.IsXmlSurrogatePair(value[index + 1], value[index]))
        {
            width = 2;
            return true;
        }
        return false;
    }
}
