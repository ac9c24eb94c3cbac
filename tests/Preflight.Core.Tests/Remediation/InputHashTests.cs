using System.Text;
using Preflight.Core.Inspection;
using Preflight.Core.Remediation;
using Preflight.Core.Reports;
using Preflight.Core.Tests.Formats.Mp4;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Remediation;

/// <summary>
/// A large input's SHA-256 is computed beside the fix instead of before it: every status must still report the input's
/// own hash, exactly as a check does.
/// </summary>
public sealed class InputHashTests(FixHarness h) : IClassFixture<FixHarness>
{
    public static TheoryData<string> Sizes => new() { "small", "large" };

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Fix_Remux_ReportsTheInputsHash(string size)
    {
        var input = Sized(h.Generate($"phone-{size}.mov", $"{VideoFixTests.H264Aac} -f mov"), size);

        using var outcome = await h.FixAsync(input);

        Assert.Equal(FixStatus.Fixed, outcome.Report.Fix!.Status);
        Assert.Contains(outcome.Report.Fix.Operations, o => o.Op == FixOps.Remux);
        await AssertSameAsCheckAsync(input, outcome.Report);
        Assert.Equal(FixHarness.Sha(outcome.OutputPath!), outcome.Report.Fix.After!.Sha256);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Fix_PassingInput_NotNeededWithTheInputsHash(string size)
    {
        var input = Sized(h.Copy(RepoPaths.TestFile("valid", "warning-not-faststart.mp4"), $"ok-{size}.mp4"), size);

        using var outcome = await h.FixAsync(input, new FixOptions { CopyPassing = true });

        Assert.Equal(FixStatus.NotNeeded, outcome.Report.Fix!.Status);
        Assert.Equal(input, outcome.OutputPath);
        await AssertSameAsCheckAsync(input, outcome.Report);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Fix_WebPage_NotFixableWithTheInputsHash(string size)
    {
        var page = Encoding.ASCII.GetBytes("<!DOCTYPE html><html><body>" + new string('x', size == "large" ? 5_000_000 : 100) + "</body></html>");
        var input = h.Write($"page-{size}.mp4", page);

        using var outcome = await h.FixAsync(input);

        Assert.Equal(FixStatus.NotFixable, outcome.Report.Fix!.Status);
        await AssertSameAsCheckAsync(input, outcome.Report);
    }

    [Fact]
    public async Task Fix_LargeInputCancelled_CancellationEscapes()
    {
        var input = Sized(h.Generate("cancelled.mov", $"{VideoFixTests.H264Aac} -f mov"), "large");
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => h.Remediator.FixAsync(new InspectionRequest(input, "cancelled.mov"), new FixOptions(), cancel.Token));
    }

    /// <summary>The fix's report of its input is the check's report of it, hash included, with <c>fix</c> added.</summary>
    private async Task AssertSameAsCheckAsync(string input, FileReport fixReport)
    {
        var check = await h.Inspector.InspectAsync(new InspectionRequest(input, Path.GetFileName(input)), new InspectionOptions(), CancellationToken.None);
        Assert.Equal(FixHarness.Sha(input), fixReport.Sha256);
        Assert.Equal(
            System.Text.Json.JsonSerializer.Serialize(check, PreflightJson.Compact),
            System.Text.Json.JsonSerializer.Serialize(fixReport with { Fix = null }, PreflightJson.Compact));
    }

    /// <summary>
    /// "large": a 'free' box appended that takes the file past what inspection reads into memory whole (so its hash is
    /// a pass of its own, deferred); "small": unchanged.
    /// </summary>
    private static string Sized(string path, string size)
    {
        if (size != "large") return path;
        using var stream = new FileStream(path, FileMode.Append);
        stream.Write(Mp4BoxBuilder.Box("free", new byte[FileContents.MaxBytes + 4096]));
        return path;
    }
}
