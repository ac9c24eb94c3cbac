using Preflight.Core.Inspection;
using Preflight.Core.Reports;

namespace Preflight.Cli.Tests;

internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Runs <c>preflight</c> in-process with captured output.</summary>
internal static class CliRunner
{
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(c => c, args);

    public static Task<CliResult> RunInAsync(string workingDirectory, params string[] args) =>
        RunAsync(c => c with { WorkingDirectory = workingDirectory }, args);

    public static async Task<CliResult> RunAsync(Func<CliContext, CliContext> configure, string[] args, CancellationToken cancellationToken = default)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var context = configure(CliContext.Create(stdout, stderr));
        var code = await CliApp.RunAsync(args, context, cancellationToken);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A stand-in engine: each file's findings come from <paramref name="findingsOf"/> (by display path).</summary>
    public static Func<InspectionRequest, InspectionOptions, CancellationToken, Task<FileReport>> FakeEngine(Func<string, Finding[]> findingsOf) =>
        (request, _, _) =>
        {
            var findings = findingsOf(request.DisplayPath);
            return Task.FromResult(new FileReport
            {
                Path = request.DisplayPath,
                Kind = AssetKind.Image,
                Verdict = FileReport.VerdictOf(findings),
                SizeBytes = new FileInfo(request.FilePath).Length,
                Sha256 = new string('0', 64),
                Detected = new DetectedFormat("png", "image/png", "test"),
                Media = new MediaFacts { Width = 640, Height = 480 },
                Findings = findings,
            });
        };
}

/// <summary>Small media files written by the tests themselves.</summary>
internal static class TestMedia
{
    /// <summary>Runs Debian's ffmpeg (our own generated inputs: unhardened) to write <paramref name="output"/>.</summary>
    public static void Ffmpeg(string output, string arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in $"-nostdin -v error -y {arguments}".Split(' ', StringSplitOptions.RemoveEmptyEntries)) start.ArgumentList.Add(a);
        start.ArgumentList.Add(output);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        using var process = System.Diagnostics.Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
    }

    /// <summary>A valid PCM WAV: 16-bit mono, 8 kHz, <paramref name="seconds"/> of silence.</summary>
    public static byte[] Wav(double seconds = 0.1)
    {
        const int sampleRate = 8000;
        const short channels = 1;
        const short bits = 16;
        var dataLength = (int)(sampleRate * seconds) * channels * bits / 8;
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(36 + dataLength);
        writer.Write("WAVE"u8);
        writer.Write("fmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write(channels);
        writer.Write(sampleRate);
        writer.Write(sampleRate * channels * bits / 8);
        writer.Write((short)(channels * bits / 8));
        writer.Write(bits);
        writer.Write("data"u8);
        writer.Write(dataLength);
        writer.Write(new byte[dataLength]);
        writer.Flush();
        return stream.ToArray();
    }
}
