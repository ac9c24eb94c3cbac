using System.Diagnostics;
using Preflight.Core.Inspection;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.Core.Tests.Probing.Image;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Rules;

/// <summary>
/// A fix is only worth printing if pasting it works: each test runs the printed command in a shell, in the file's
/// folder, and inspects what it wrote. The output must pass (or at least lose the finding the fix was for).
/// </summary>
public sealed class FixCommandsRunTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Inspector _inspector = new(new MediaTools(new MediaToolsOptions()));

    [Theory]
    [InlineData("limits/audio-601s-8kbps.mp3", null)]
    [InlineData("limits/video-181s-64x64.mp4", "free")]
    public async Task TrimFix_FileOverDurationLimit_OutputPasses(string corpusFile, string? plan)
    {
        var name = Path.GetFileName(corpusFile);
        File.Copy(TestFile(corpusFile), _dir.File(name));

        var output = await RunFixAsync(name, FindingCodes.MediaDurationTooLong, plan);

        var report = await InspectAsync(output, plan);
        Assert.True(report.Verdict == Verdict.Pass, Describe(report));
    }

    [Fact]
    public async Task TrimFix_WavOverDurationLimit_OutputPasses()
    {
        // Stream copy cuts WAV at whole packets: 'ffmpeg -t 600 -c copy' wrote 600.0036 s.
        FfmpegTool.Run(_dir.Path, "-f", "lavfi", "-i", "sine=d=601:sample_rate=22050", "-c:a", "pcm_s16le", "long.wav");

        var output = await RunFixAsync("long.wav", FindingCodes.MediaDurationTooLong, plan: null);

        var report = await InspectAsync(output, plan: null);
        Assert.True(report.Verdict == Verdict.Pass, Describe(report));
    }

    [Theory]
    [InlineData("-starts-with-dash.mp3")]
    [InlineData("has:colon.mp3")]
    public async Task RenameFix_AwkwardFileName_RenamesTheFile(string name)
    {
        File.Copy(TestFile("mislabeled/wav-named.mp3"), _dir.File(name));

        var output = await RunFixAsync(name, FindingCodes.FormatExtensionMismatch, plan: null);

        Assert.Equal(".wav", Path.GetExtension(output));
        Assert.Equal(Verdict.Pass, (await InspectAsync(output, plan: null)).Verdict);
    }

    [Theory]
    [InlineData("-starts-with-dash.mp4")]
    [InlineData("has:colon.mp4")]
    public async Task RemuxFix_AwkwardFileName_WritesPassingMp4(string name)
    {
        File.Copy(TestFile("mislabeled/mov-named.mp4"), _dir.File(name));

        var output = await RunFixAsync(name, FindingCodes.FormatExtensionMismatch, plan: null);

        Assert.Equal(Verdict.Pass, (await InspectAsync(output, plan: null)).Verdict);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>Inspects <paramref name="name"/>, runs the fix of its <paramref name="code"/> finding, returns the file it made.</summary>
    private async Task<string> RunFixAsync(string name, string code, string? plan)
    {
        var report = await InspectAsync(_dir.File(name), plan);
        var finding = report.Findings.FirstOrDefault(f => f.Code == code);
        Assert.True(finding?.Fix is not null, $"no {code} finding with a fix: {Describe(report)}");

        var before = Directory.GetFiles(_dir.Path).ToHashSet();
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = _dir.Path,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(finding!.Fix!);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("sh did not start");
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(finding.Fix);
        }
        Assert.True(process.ExitCode == 0, $"'{finding.Fix}' failed: {await stderr}");

        var made = Directory.GetFiles(_dir.Path).Where(f => !before.Contains(f)).ToList();
        return Assert.Single(made);
    }

    private Task<FileReport> InspectAsync(string path, string? plan) =>
        _inspector.InspectAsync(new InspectionRequest(path, Path.GetFileName(path)), new InspectionOptions { Plan = plan }, CancellationToken.None);

    private static string TestFile(string relative) => RepoPaths.TestFile(relative.Split('/'));

    private static string Describe(FileReport report) =>
        $"{report.Path}: {string.Join("; ", report.Findings.Select(f => $"{f.Code}: {f.Message}"))}";
}
