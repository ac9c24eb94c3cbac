using System.Text;
using System.Text.Json;
using System.Xml;
using Preflight.Core.Reports;
using Preflight.Core.Reports.Html;
using Preflight.Core.Reports.Writers;

namespace Preflight.Core.Tests.Reports;

/// <summary>
/// File names and finding messages come from strangers: every writer must stay valid (JSON, strict XML, HTML that no
/// report text can break out of) and the text writers must not pass anything to a terminal that drives or spoofs it.
/// </summary>
public sealed class WriterReviewTests
{
    /// <summary>Names an odd file system or a hostile uploader can produce.</summary>
    /// <remarks>Passed to the theories by index: xunit's serialisation of theory data would replace a lone surrogate.</remarks>
    internal static readonly string[] Names =
    [
        "new\nline\r.mp4",
        "tab\there.mp4",
        "clear\u001b[2J\u001b]0;title\u0007.mp4",
        "csi\u009b31m.mp4",
        "bidi\u202Egpj.exe",
        "lone\uD800high.mp4",
        "lone\uDC00low.mp4",
        "end\uD83D",
        "nonchar\uFFFE\uFFFF.mp4",
        "nul\u0000.mp4",
        "cdata]]>end.mp4",
        "<script>alert(1)</script>.mp4",
        "</script><!--<script>.mp4",
        "wide\u754C\u754C\u754C.mp4",
        "combining e\u0301\u0301\u0301.mp4",
        "line\u2028sep\u2029para.mp4",
        new string('x', 10_000) + ".mp4",
    ];

    public static TheoryData<int> HostileNames()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Names.Length; i++) data.Add(i);
        return data;
    }

    private static CheckReport Report(string name) => CheckReport.Create("heygen", null,
    [
        new FileReport
        {
            Path = name,
            Kind = AssetKind.Video,
            Verdict = Verdict.Fail,
            SizeBytes = 10,
            Detected = new DetectedFormat("mp4", "video/mp4", "ftyp " + name),
            Findings = [Finding.Error(FindingCodes.FileCorrupt, "bad " + name, actual: name, limit: name, fix: "ffmpeg -i " + name)],
        },
        new FileReport
        {
            Path = "ok.mp4",
            Kind = AssetKind.Video,
            Verdict = Verdict.Pass,
            SizeBytes = 10,
            Findings = [Finding.Warning(FindingCodes.VideoNotFaststart, "note " + name)],
        },
    ], TimeSpan.FromMilliseconds(5));

    private static async Task<string> TextOf(IReportWriter writer, CheckReport report)
    {
        var output = new StringWriter();
        await writer.WriteAsync(report, output, CancellationToken.None);
        return output.ToString();
    }

    private static async Task<byte[]> BytesOf(IReportWriter writer, CheckReport report)
    {
        var output = new MemoryStream();
        await writer.WriteAsync(report, output, CancellationToken.None);
        return output.ToArray();
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task Json_HostileName_IsValidJsonAsTextAndAsUtf8(int index)
    {
        var name = Names[index];
        var writer = new JsonReportWriter();
        var bytes = await BytesOf(writer, Report(name));
        StrictUtf8.GetString(bytes);
        using (JsonDocument.Parse(bytes)) { }

        // The text version, encoded as a file or pipe would encode it, must be valid too.
        var text = await TextOf(writer, Report(name));
        using (JsonDocument.Parse(StrictUtf8.GetBytes(text))) { }
    }

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task JUnit_HostileName_ParsesWithAStrictXmlReader(int index)
    {
        var name = Names[index];
        var writer = new JUnitReportWriter();
        foreach (var bytes in new[] { StrictUtf8.GetBytes(await TextOf(writer, Report(name))), await BytesOf(writer, Report(name)) })
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes), new XmlReaderSettings { CheckCharacters = true, DtdProcessing = DtdProcessing.Prohibit });
            var testCases = 0;
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.Element && reader.Name == "testcase") testCases++;
            }
            Assert.Equal(2, testCases);
        }
    }

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task Html_HostileName_CannotLeaveTheDataScriptAndItsJsonParses(int index)
    {
        var name = Names[index];
        var html = StrictUtf8.GetString(StrictUtf8.GetBytes(await TextOf(new HtmlReportWriter(), Report(name))));

        const string open = "<script type=\"application/json\" id=\"report-data\">";
        var start = html.IndexOf(open, StringComparison.Ordinal) + open.Length;
        var end = html.IndexOf("</script>", start, StringComparison.Ordinal);
        var data = html[start..end];
        Assert.DoesNotContain('<', data);
        Assert.DoesNotContain('>', data);
        Assert.DoesNotContain('&', data);
        using var json = JsonDocument.Parse(data);
        Assert.Equal(2, json.RootElement.GetProperty("files").GetArrayLength());
        // Three scripts: the data, the cards, the report. No report text adds one.
        Assert.Equal(3, CountOf(html, "<script"));
    }

    [Theory]
    [MemberData(nameof(HostileNames))]
    public async Task Table_HostileName_NothingThatDrivesOrSpoofsATerminal(int index)
    {
        var name = Names[index];
        foreach (var options in new[] { TableWriterOptions.Plain, new TableWriterOptions { Color = true } })
        {
            var text = await TextOf(new TableReportWriter(options), Report(name));
            AssertTerminalSafe(text, colour: options.Color);
            // Header, two rows, blank line, summary: a name cannot add a line.
            Assert.Equal(5, text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n').Length);
        }
    }

    [Fact]
    public async Task Table_WideAndCombiningCharacters_KeepTheColumnsAligned()
    {
        var report = CheckReport.Create("heygen", null,
        [
            new FileReport { Path = "\u754C\u754C\u754C\u754C.mp4", Kind = AssetKind.Video, Verdict = Verdict.Pass, SizeBytes = 1 },
            new FileReport { Path = "e\u0301e\u0301.mp4", Kind = AssetKind.Video, Verdict = Verdict.Pass, SizeBytes = 1 },
            new FileReport { Path = "plain-name.mp4", Kind = AssetKind.Video, Verdict = Verdict.Pass, SizeBytes = 1 },
        ], TimeSpan.Zero);

        var lines = (await TextOf(new TableReportWriter(TableWriterOptions.Plain), report)).ReplaceLineEndings("\n").Split('\n');

        // "KIND" starts at the same terminal column on every row: a wide character takes two, a combining mark none.
        var columns = lines.Take(4).Select(l => ReportText.DisplayWidth(l[..l.IndexOf(l == lines[0] ? "KIND" : "video", StringComparison.Ordinal)])).ToList();
        Assert.All(columns, c => Assert.Equal(columns[0], c));
    }

    [Fact]
    public void DisplayWidth_CountsTerminalColumns()
    {
        Assert.Equal(5, ReportText.DisplayWidth("plain"));
        Assert.Equal(2, ReportText.DisplayWidth("\u754C"));
        Assert.Equal(1, ReportText.DisplayWidth("e\u0301"));
        Assert.Equal(2, ReportText.DisplayWidth("\uD83D\uDE00"));
        Assert.Equal(1, ReportText.DisplayWidth("\uD800"));
    }

    /// <summary>No C0/C1 control, no bidi control, no line or paragraph separator, no lone surrogate, except the table's own colour codes.</summary>
    internal static void AssertTerminalSafe(string text, bool colour)
    {
        if (colour) text = text.Replace("\u001b[32m", "").Replace("\u001b[31m", "").Replace("\u001b[0m", "");
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        foreach (var line in lines)
        {
            for (var i = 0; i < line.Length; i++)
            {
                var ch = line[i];
                Assert.False(char.IsControl(ch), $"control U+{(int)ch:X4} in: {line}");
                Assert.False(ch is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C',
                    $"bidi control U+{(int)ch:X4} in: {line}");
                Assert.False(ch is '\u2028' or '\u2029', $"separator U+{(int)ch:X4} in: {line}");
                if (char.IsHighSurrogate(ch) && i + 1 < line.Length && char.IsLowSurrogate(line[i + 1])) { i++; continue; }
                Assert.False(char.IsSurrogate(ch), $"lone surrogate U+{(int)ch:X4} in: {line}");
            }
        }
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal)) count++;
        return count;
    }
}
