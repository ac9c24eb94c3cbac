using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Preflight.Core.Probing.Video;

/// <summary>
/// Finds the real ffprobe/ffmpeg binaries, checks that they run, and hands out the private folder of
/// wrapper scripts (see <see cref="FfmpegWrapperFolders"/>) that FFMpegCore is pointed at.
/// </summary>
internal sealed class FfmpegToolset
{
    public const string InstallHint = "Install it with: sudo apt-get install ffmpeg";

    private readonly string? _binaryFolder;
    private readonly long _memoryLimitBytes;
    private readonly Lazy<ToolStatus> _status;
    private readonly string? _ffprobe;
    private readonly string? _ffmpeg;

    public FfmpegToolset(string? binaryFolder, long memoryLimitBytes)
    {
        _binaryFolder = binaryFolder;
        _memoryLimitBytes = memoryLimitBytes;
        _ffprobe = Resolve(binaryFolder, "ffprobe");
        _ffmpeg = Resolve(binaryFolder, "ffmpeg");
        _status = new Lazy<ToolStatus>(Check, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public ToolStatus Status => _status.Value;

    public bool StatusKnown => _status.IsValueCreated;

    /// <summary>
    /// The folder to hand FFMpegCore as <c>BinaryFolder</c> (created on first use), with a wrapper for each tool that
    /// <see cref="Status"/> found working: only those, so a wrapper may answer FFMpegCore's own <c>-version</c> check.
    /// </summary>
    public string WrapperFolder => OperatingSystem.IsWindows()
        // No prlimit and no exec on Windows: point FFMpegCore straight at the real folder.
        ? Path.GetDirectoryName(_ffprobe ?? _ffmpeg) ?? throw new InvalidOperationException("no tool found")
        : FfmpegWrapperFolders.For(Status.FfprobeAvailable ? _ffprobe : null, Status.FfmpegAvailable ? _ffmpeg : null, _memoryLimitBytes);

    private ToolStatus Check()
    {
        // Side by side: each '-version' loads ffmpeg's ~200 shared libraries (about 0.12 s), and every process that
        // inspects or fixes media waits for both before its first tool run.
        var ffprobeCheck = Task.Run(() => RunVersion("ffprobe", _ffprobe));
        var (_, ffmpegProblem) = RunVersion("ffmpeg", _ffmpeg);
        var (ffprobeVersion, ffprobeProblem) = ffprobeCheck.GetAwaiter().GetResult();
        var problems = new[] { ffprobeProblem, ffmpegProblem }.Where(p => p is not null).ToList();
        return new ToolStatus(
            FfprobeAvailable: ffprobeProblem is null,
            FfmpegAvailable: ffmpegProblem is null,
            FfprobeVersion: ffprobeVersion,
            Problem: problems.Count == 0 ? null : string.Join(" ", problems) + " " + InstallHint);
    }

    private (string? Version, string? Problem) RunVersion(string tool, string? binary)
    {
        if (binary is null)
            return (null, $"{tool} was not found in {(_binaryFolder is null ? "PATH" : _binaryFolder)}.");

        try
        {
            using var process = new Process
            {
                StartInfo = new ProcessStartInfo(binary, "-version")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    RedirectStandardInput = true,
                    UseShellExecute = false,
                },
            };
            string? firstLine = null;
            process.OutputDataReceived += (_, e) =>
            {
                if (firstLine is null && !string.IsNullOrWhiteSpace(e.Data))
                    firstLine = e.Data;
            };
            process.Start();
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(TimeSpan.FromSeconds(15)))
            {
                process.Kill(entireProcessTree: true);
                return (null, $"{tool} at {binary} did not answer '-version'.");
            }
            process.WaitForExit(); // drains the redirected output
            if (process.ExitCode != 0)
                return (null, $"{tool} at {binary} failed to run (exit code {process.ExitCode}).");
            return (VersionOf(tool, firstLine), null);
        }
        catch (Win32Exception e)
        {
            return (null, $"{tool} at {binary} cannot run: {e.Message}.");
        }
    }

    /// <summary>"ffprobe version 5.1.9-0+deb12u1 Copyright …" → "5.1.9-0+deb12u1".</summary>
    internal static string? VersionOf(string tool, string? firstLine)
    {
        var prefix = tool + " version ";
        if (firstLine is null || !firstLine.StartsWith(prefix, StringComparison.Ordinal))
            return firstLine;
        var rest = firstLine[prefix.Length..];
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? rest : rest[..space];
    }

    internal static string? Resolve(string? folder, string tool)
    {
        var name = OperatingSystem.IsWindows() ? tool + ".exe" : tool;
        if (folder is not null)
        {
            var candidate = Path.GetFullPath(Path.Combine(folder, name));
            return IsExecutable(candidate) ? candidate : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Path.IsPathRooted(dir))
                continue; // a relative PATH entry would let the current folder choose our ffprobe
            var candidate = Path.Combine(dir, name);
            if (IsExecutable(candidate))
                return candidate;
        }
        return null;
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path))
            return false;
        if (OperatingSystem.IsWindows())
            return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
