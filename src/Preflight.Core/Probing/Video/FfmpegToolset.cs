using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Preflight.Core.Probing.Video;

/// <summary>
/// Finds the real ffprobe/ffmpeg binaries and builds a private folder of wrapper scripts that cap each
/// process's address space with <c>prlimit --as</c>. The wrappers <c>exec</c>, so the process FFMpegCore
/// starts (and kills on cancellation) is the tool itself, not a shell around it.
/// </summary>
internal sealed class FfmpegToolset : IDisposable
{
    public const string InstallHint = "Install it with: sudo apt-get install ffmpeg";

    private readonly string? _binaryFolder;
    private readonly long _memoryLimitBytes;
    private readonly Lazy<ToolStatus> _status;
    private readonly Lazy<string> _wrapperFolder;
    private readonly string? _ffprobe;
    private readonly string? _ffmpeg;
    private string? _createdFolder;

    public FfmpegToolset(string? binaryFolder, long memoryLimitBytes)
    {
        _binaryFolder = binaryFolder;
        _memoryLimitBytes = memoryLimitBytes;
        _ffprobe = Resolve(binaryFolder, "ffprobe");
        _ffmpeg = Resolve(binaryFolder, "ffmpeg");
        _status = new Lazy<ToolStatus>(Check, LazyThreadSafetyMode.ExecutionAndPublication);
        _wrapperFolder = new Lazy<string>(CreateWrappers, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public ToolStatus Status => _status.Value;

    public bool StatusKnown => _status.IsValueCreated;

    /// <summary>The folder to hand FFMpegCore as <c>BinaryFolder</c> (created on first use).</summary>
    public string WrapperFolder => _wrapperFolder.Value;

    public void Dispose()
    {
        if (_createdFolder is { } folder)
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    private ToolStatus Check()
    {
        var (ffprobeVersion, ffprobeProblem) = RunVersion("ffprobe", _ffprobe);
        var (_, ffmpegProblem) = RunVersion("ffmpeg", _ffmpeg);
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

    private string CreateWrappers()
    {
        if (OperatingSystem.IsWindows())
        {
            // No prlimit and no exec on Windows: point FFMpegCore straight at the real folder.
            return Path.GetDirectoryName(_ffprobe ?? _ffmpeg) ?? Path.GetTempPath();
        }

        // CreateTempSubdirectory makes a fresh, unguessable folder with mode 700.
        var folder = Directory.CreateTempSubdirectory("preflight-tools-").FullName;
        _createdFolder = folder;

        var prlimit = Resolve(null, "prlimit");
        foreach (var (name, binary) in new[] { ("ffprobe", _ffprobe), ("ffmpeg", _ffmpeg) })
        {
            if (binary is null)
                continue;
            var target = Quote(binary);
            var exec = prlimit is null || _memoryLimitBytes <= 0
                ? $"exec {target} \"$@\""
                : $"exec {Quote(prlimit)} --as={_memoryLimitBytes.ToString(CultureInfo.InvariantCulture)} -- {target} \"$@\"";
            var script = "#!/bin/sh\n"
                + "# Generated by Preflight: cap the address space, then become the real tool (exec keeps the PID).\n"
                // glibc reserves 64 MiB of address space per thread arena; a many-core decode would hit the cap.
                + "MALLOC_ARENA_MAX=2; export MALLOC_ARENA_MAX\n"
                + exec + "\n";
            var path = Path.Combine(folder, name);
            File.WriteAllText(path, script);
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        return folder;
    }

    /// <summary>Single-quotes a path for /bin/sh.</summary>
    private static string Quote(string path) => "'" + path.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

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
