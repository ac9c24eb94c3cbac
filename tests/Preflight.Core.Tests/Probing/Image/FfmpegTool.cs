using System.Diagnostics;

namespace Preflight.Core.Tests.Probing.Image;

/// <summary>Runs Debian's /usr/bin/ffmpeg to make real media files for probe tests.</summary>
internal static class FfmpegTool
{
    public static void Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("ffmpeg")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-nostdin", "-hide_banner", "-v", "error", "-y", .. arguments])
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("ffmpeg " + string.Join(' ', arguments));
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ffmpeg {string.Join(' ', arguments)} failed: {stderr.Result}");
    }
}
