using Preflight.Core.Inspection;
using Preflight.Core.Remediation;
using Preflight.Core.Reports;

namespace Preflight.Core.Tests.Remediation;

/// <summary>
/// <see cref="Remediator.FixAsync(InspectionRequest, FileReport, FixOptions, CancellationToken)"/>: a caller that already
/// has the input's report (the worker) does not pay for a second inspection, and the output is still judged in the
/// slot the caller declared.
/// </summary>
public sealed class KnownReportTests(FixHarness h) : IClassFixture<FixHarness>
{
    private const string Mkv = "-f lavfi -i testsrc=size=160x120:rate=25 -t 1 -c:v libx264 -preset ultrafast -pix_fmt yuv420p -f matroska";

    [Fact]
    public async Task FixWithReport_InputNotInspectedAgain_OutputStillReinspected()
    {
        var input = h.Generate("known.mkv", Mkv);
        var request = new InspectionRequest(input, "known.mkv");
        var report = await h.Inspector.InspectAsync(request, new InspectionOptions(), CancellationToken.None);
        var inspected = new List<string>();
        var remediator = new Remediator((r, o, ct) =>
        {
            inspected.Add(r.DisplayPath);
            return h.Inspector.InspectAsync(r, o, ct);
        }, h.Tools);

        using var outcome = await remediator.FixAsync(request, report, new FixOptions(), CancellationToken.None);

        Assert.Equal(FixStatus.Fixed, outcome.Report.Fix!.Status);
        Assert.Equal(["known.mp4"], inspected);
        Assert.Same(report.Findings, outcome.Report.Findings);
    }

    [Fact]
    public async Task Fix_DeclaredKind_OutputJudgedInThatSlot()
    {
        // A video declared as an image (a form's image field): an MP4 would not pass there either, so nothing is "fixed".
        var input = h.Generate("declared.mkv", Mkv);
        var request = new InspectionRequest(input, "declared.mkv") { DeclaredKind = AssetKind.Image };

        using var outcome = await h.Remediator.FixAsync(request, new FixOptions(), CancellationToken.None);

        Assert.Equal(FixStatus.NotFixable, outcome.Report.Fix!.Status);
        Assert.Equal(AssetKind.Image, outcome.Report.Kind);
        Assert.Null(outcome.OutputPath);
        Assert.Contains("still fails", outcome.Report.Fix.Reason, StringComparison.Ordinal);
    }
}
