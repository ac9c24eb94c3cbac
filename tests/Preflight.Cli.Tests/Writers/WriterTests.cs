using System.Xml.Linq;
using Preflight.Core.Reports;
using Preflight.Core.Reports.Writers;

namespace Preflight.Cli.Tests.Writers;

/// <summary>The report writers on hand-made reports (they live in Preflight.Core, reused by the HTTP API).</summary>
public sealed class WriterTests
{
    private static CheckReport Report(params FileReport[] files) =>
        CheckReport.Create("heygen", null, files, TimeSpan.FromMilliseconds(1234));

    private static FileReport File(string path, params Finding[] findings) => new()
    {
        Path = path,
        Kind = AssetKind.Video,
        Verdict = FileReport.VerdictOf(findings),
        SizeBytes = 12_345_678,
        Detected = new DetectedFormat("mp4", "video/mp4", "ftyp"),
        Media = new MediaFacts { Width = 1280, Height = 720, DurationSeconds = 5 },
        Findings = findings,
    };

    private static async Task<string> WriteAsync(IReportWriter writer, CheckReport report)
    {
        var output = new StringWriter();
        await writer.WriteAsync(report, output, CancellationToken.None);
        return output.ToString();
    }

    [Fact]
    public async Task JUnit_WarningsAndDetails_GoWhereCiLooks()
    {
        var report = Report(File("a/x.mp4",
            Finding.Error(FindingCodes.MediaResolutionTooLarge, "too big", actual: "4096x2160", limit: "<2048x2048", fix: "ffmpeg -i x.mp4 out.mp4"),
            Finding.Error(FindingCodes.FileTooLarge, "heavy"),
            Finding.Warning(FindingCodes.VideoNotFaststart, "slow start", fix: "ffmpeg -movflags +faststart")));

        var xml = XDocument.Parse(await WriteAsync(new JUnitReportWriter(), report));

        var testCase = Assert.Single(xml.Descendants("testcase"));
        var failures = testCase.Elements("failure").ToList();
        Assert.Equal(new[] { FindingCodes.MediaResolutionTooLarge, FindingCodes.FileTooLarge }, failures.Select(f => (string?)f.Attribute("type")));
        Assert.Equal("too big", (string?)failures[0].Attribute("message"));
        Assert.Contains("actual: 4096x2160", failures[0].Value);
        Assert.Contains("limit: <2048x2048", failures[0].Value);
        Assert.Contains("fix: ffmpeg -i x.mp4 out.mp4", failures[0].Value);
        var systemOut = testCase.Element("system-out")!.Value;
        Assert.Contains("warning video.not_faststart: slow start", systemOut);
        Assert.Equal("1.234", (string?)xml.Root!.Element("testsuite")!.Attribute("time"));
    }

    [Fact]
    public async Task JUnit_HostileFileName_StaysWellFormed()
    {
        var report = Report(File("a<b>&\"c\u0001\u001b.mp4", Finding.Error(FindingCodes.FileCorrupt, "bad <moov> & \u0000 end")));

        var text = await WriteAsync(new JUnitReportWriter(), report);

        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", text);
        var xml = XDocument.Parse(text);
        Assert.Equal("a<b>&\"c\uFFFD\uFFFD.mp4", (string?)xml.Descendants("testcase").Single().Attribute("name"));
        Assert.Equal("bad <moov> & \uFFFD end", (string?)xml.Descendants("failure").Single().Attribute("message"));
    }

    [Fact]
    public async Task Table_Row_ShowsFactsAndFirstError()
    {
        var report = Report(
            File("a/x.mp4", Finding.Warning(FindingCodes.VideoNotFaststart, "slow start"), Finding.Error(FindingCodes.FileCorrupt, new string('m', 200))),
            File("b.mp4"));

        var lines = (await WriteAsync(new TableReportWriter(TableWriterOptions.Plain), report)).ReplaceLineEndings("\n").Split('\n');

        Assert.Matches(@"^PATH\s+KIND\s+FORMAT\s+SIZE\s+DIMENSIONS\s+DURATION\s+VERDICT\s+FIRST FINDING$", lines[0]);
        Assert.Matches(@"^a/x\.mp4\s+video\s+mp4\s+12\.3 MB\s+1280x720\s+5\.00 s\s+fail\s+file\.corrupt: m+\.\.\.$", lines[1]);
        Assert.True(lines[1].Length < 200);
        Assert.Matches(@"^b\.mp4\s+video\s+mp4\s+12\.3 MB\s+1280x720\s+5\.00 s\s+pass\s+-$", lines[2]);
        Assert.Equal("2 files: 1 passed, 1 failed in 1.2 s", lines[4]);
    }

    [Fact]
    public async Task Table_ControlCharactersInPath_AreNotPassedToTheTerminal()
    {
        var text = await WriteAsync(new TableReportWriter(TableWriterOptions.Plain), Report(File("evil\u001b[2J\n.mp4")));

        Assert.DoesNotContain('\u001b', text);
        Assert.Contains("evil?[2J?.mp4", text);
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(999, "999 B")]
    [InlineData(1000, "1.0 kB")]
    [InlineData(1_234_567, "1.23 MB")]
    [InlineData(100_000_000, "100.0 MB")]
    [InlineData(999_999_999, "1.0 GB")]
    public void Size_DecimalUnits(long bytes, string expected)
    {
        Assert.Equal(expected, ReportText.Size(bytes));
    }

    [Fact]
    public void For_KnownAndUnknownFormats()
    {
        Assert.IsType<TableReportWriter>(ReportWriters.For("table"));
        Assert.IsType<JsonReportWriter>(ReportWriters.For("JSON"));
        Assert.IsType<JUnitReportWriter>(ReportWriters.For("junit"));
        Assert.Null(ReportWriters.For("xml"));
    }
}
