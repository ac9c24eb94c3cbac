using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Preflight.Core.Probing.Video;

/// <summary>
/// Finds the real ffprobe/ffmpeg binaries and hands out the private folder of wrapper scripts (see
/// <see cref="FfmpegWrapperFolders"/>) that FFMpegCore is pointed at. Availability has two stages: a tool is
/// <em>located</em> when its binary resolves to an executable file (all a run needs), and <em>verified</em> when it
/// answered <c>-version</c> (<see cref="Status"/>, once per instance). The verification costs two processes that each
/// load ffmpeg's ~200 shared libraries (~0.26 s of a 0.6 s fix), so it runs only when asked for (health, start-up) or
/// after a tool run failed, to tell a broken tool from a bad file.
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

    /// <summary>The verified answer: runs both <c>-version</c> checks on first use.</summary>
    public ToolStatus Status => _status.Value;

    public bool StatusKnown => _status.IsValueCreated;

    /// <summary>
    /// True when <paramref name="tool"/> may be run: located, and not already found broken by a verification that
    /// ran for another reason. Never starts a process.
    /// </summary>
    public bool Usable(string tool) =>
        (tool == "ffprobe" ? _ffprobe : _ffmpeg) is not null && (!StatusKnown || Available(Status, tool));

    public static bool Available(ToolStatus status, string tool) =>
        tool == "ffprobe" ? status.FfprobeAvailable : status.FfmpegAvailable;

    /// <summary>
    /// The folder to hand FFMpegCore as <c>BinaryFolder</c> (created on first use), with a wrapper for each located
    /// tool. A wrapper answers FFMpegCore's own <c>-version</c> check itself: a tool that cannot run fails its real
    /// run instead, and that failure is what gets it verified.
    /// </summary>
    public string WrapperFolder => OperatingSystem.IsWindows()
        // No ulimit and no exec on Windows: point FFMpegCore straight at the real folder.
        ? Path.GetDirectoryName(_ffprobe ?? _ffmpeg) ?? throw new InvalidOperationException("no tool found")
        : FfmpegWrapperFolders.For(_ffprobe, _ffmpeg, _memoryLimitBytes);

    private ToolStatus Check()
    {
        // Side by side: each '-version' loads ffmpeg's ~200 shared libraries (about 0.12 s), and whoever asked waits for both.
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
