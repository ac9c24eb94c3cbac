using Preflight.Core.Inspection;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Inspection;

public sealed class InspectorTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Inspector _inspector = new(new MediaTools(new MediaToolsOptions()));

    [Fact]
    public async Task InspectAsync_SymbolicLink_ReportsAndLimitsTheTargetsSize()
    {
        // The CLI follows links inside folders; the size limit must see the file, not the link's few bytes.
        var target = RepoPaths.TestFile("valid", "image-160x90.png");
        var link = _dir.File("link.png");
        File.CreateSymbolicLink(link, target);

        var report = await _inspector.InspectAsync(new InspectionRequest(link, "link.png"), new InspectionOptions(), CancellationToken.None);

        Assert.Equal(Verdict.Pass, report.Verdict);
        Assert.Equal(new FileInfo(target).Length, report.SizeBytes);
    }

    public void Dispose() => _dir.Dispose();
}
