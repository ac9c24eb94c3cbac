using System.Text;
using System.Text.Json;
using Preflight.Core.Ingest;
using Preflight.Core.Inspection;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Core.Sniffing;
using Preflight.Core.Tests.Fetching;
using Preflight.Core.Tests.Ingest;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Inspection;

/// <summary>
/// Verdicts from the first bytes: which files they settle, and that the report they give is the engine's own for
/// every format the engine reads no further than what it is.
/// </summary>
public sealed class HeadVerdictTests : IDisposable
{
    private static readonly Inspector Engine = new(new MediaTools(new MediaToolsOptions()));
    private static readonly ProfileCatalog Catalog = ProfileCatalog.Create([]);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string> TestDataFilesAndProfiles()
    {
        var data = new TheoryData<string, string>();
        foreach (var row in (IEnumerable<object[]>)RangeProbingTests.TestDataFiles())
        {
            var file = (string)row[0];
            data.Add(file, "heygen");
            data.Add(file, "runway");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TestDataFilesAndProfiles))]
    public async Task Report_FormatTheEngineDoesNotRead_IsTheEnginesReport(string relative, string profileName)
    {
        var profile = Catalog.Resolve(profileName);
        var path = Path.Combine(RepoPaths.TestData, relative);
        var sniff = FormatSniffer.Default.Sniff(path);
        if (!HeadVerdict.ReportFollowsFromHead(sniff.Format)) return;
        var bytes = await File.ReadAllBytesAsync(path);
        var name = Path.GetFileName(relative);

        var engine = await Engine.InspectAsync(new InspectionRequest(path, name), new InspectionOptions { Profile = profile }, CancellationToken.None);
        var fromHead = HeadVerdict.Report(profile, name, null, sniff, bytes.Length, engine.Sha256);

        Assert.Equal(Json(engine), Json(fromHead));
    }

    [Theory]
    [InlineData("unsupported/html-error-page.mp4", true)] // a web page in a video slot
    [InlineData("unsupported/pdf-named.jpg", true)]
    [InlineData("unsupported/notes.txt", true)] // no kind accepts .txt
    [InlineData("unsupported/mkv-named.mp4", true)] // never MP4, whatever follows
    [InlineData("mislabeled/png-named.mp4", true)] // an image behind a video slot
    [InlineData("mislabeled/mp4-named.jpg", true)]
    [InlineData("mislabeled/png-named.jpg", false)] // the image kind accepts PNG: its reader still has a say
    [InlineData("mislabeled/wav-named.mp3", false)]
    [InlineData("valid/image-160x90.png", false)]
    [InlineData("corrupt/mp3-all-zeros.mp3", false)] // unrecognised bytes under .mp3: a damaged MP3 for its reader
    public void Fails_SettledOnlyByAFormatErrorNoLaterByteLifts(string relative, bool fails)
    {
        var path = Path.Combine(RepoPaths.TestData, relative);
        var name = Path.GetFileName(relative);
        var kind = Profile.HeyGen.KindFromExtension(Path.GetExtension(name));

        Assert.Equal(fails, HeadVerdict.Fails(Profile.HeyGen, kind, name, FormatSniffer.Default.Sniff(path)));
    }

    [Theory]
    [InlineData("page.mp4")]
    [InlineData("page.png")]
    [InlineData("page.wav")]
    public async Task Ingested_HtmlPartDecidedByItsHead_SameReportAsTheEngineOnTheWholeFile(string name)
    {
        var html = IngestorTests.HtmlPage(2_000_000);
        var whole = _dir.Write(name, html);
        var kind = Profile.HeyGen.KindFromExtension(Path.GetExtension(name));
        var ingested = await Ingestor.ReceiveAsync(new MemoryStream(html), _dir.File("part"), new IngestLimits(100_000_000)
        {
            DecidedByHead = sniff => HeadVerdict.ReportFollowsFromHead(sniff.Format) && HeadVerdict.Fails(Profile.HeyGen, kind, name, sniff),
        }, CancellationToken.None);
        Assert.True(ingested.HeadOnly);

        var report = await FileInspection.InspectAsync((_, _, _) => throw new InvalidOperationException("the engine must not run"),
            new InspectionRequest(ingested.FilePath, name) { DeclaredKind = kind }, ingested, new InspectionOptions(), showReason: true, null,
            CancellationToken.None);
        var engine = await Engine.InspectAsync(new InspectionRequest(whole, name), new InspectionOptions(), CancellationToken.None);

        Assert.Equal(Verdict.Fail, report.Verdict);
        Assert.Equal(Json(engine), Json(report));
    }

    [Fact]
    public async Task Ingested_OversizeHtmlDecidedByItsHead_StillTheOversizeReport()
    {
        var html = IngestorTests.HtmlPage(300_000);
        var ingested = await Ingestor.ReceiveAsync(new MemoryStream(html), _dir.File("part"), new IngestLimits(100_000)
        {
            DecidedByHead = _ => true,
        }, CancellationToken.None);

        var report = await FileInspection.InspectAsync((_, _, _) => throw new InvalidOperationException("the engine must not run"),
            new InspectionRequest(ingested.FilePath, "page.mp4"), ingested, new InspectionOptions(), showReason: true, null, CancellationToken.None);
        // Today's oversize report: what the capped copy on disk sniffs as, the real size and hash.
        var oversize = OversizeReport.Create(Profile.HeyGen, "page.mp4", FormatSniffer.Default.Sniff(new MemoryStream(html, 0, 100_000)), html.Length,
            ingested.Sha256!, AssetKind.Video);

        Assert.True(ingested.Truncated);
        Assert.Equal(Json(oversize), Json(report));
    }

    private static string Json(FileReport report) => JsonSerializer.Serialize(report, PreflightJson.Options);
}
