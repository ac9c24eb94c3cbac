using System.Diagnostics;

namespace Preflight.Core.Probing.Video;

/// <summary>
/// A fresh private folder (mode 700) per ffprobe/ffmpeg run, holding only a symlink to the caller's file
/// under a generated name. ffprobe never sees the user's name (FFMpegCore mangles a <c>"</c> in it), and
/// anything the file refers to relatively (ffconcat/playlist neighbours) resolves into this empty folder.
/// The folder is also the tool's working directory, which identifies its processes for the kill check.
/// </summary>
internal sealed class FfmpegWorkspace : IDisposable
{
    private FfmpegWorkspace(string folder, string inputPath)
    {
        Folder = folder;
        InputPath = inputPath;
    }

    public string Folder { get; }

    /// <summary>Absolute path of the symlink that ffprobe/ffmpeg opens.</summary>
    public string InputPath { get; }

    public static FfmpegWorkspace Create(string sourcePath, string linkName)
    {
        var folder = Directory.CreateTempSubdirectory("preflight-probe-").FullName;
        try
        {
            // FFMpegCore wraps paths in "…" and ffmpeg reads "x:" as a protocol: our own path must be plain.
            if (folder.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '/' or '\\' or '.' or '_' or '-')))
                throw new IOException($"The temp folder path '{folder}' has characters ffprobe cannot take safely; set TMPDIR to a plain path.");
            var link = Path.Combine(folder, linkName);
            File.CreateSymbolicLink(link, Path.GetFullPath(sourcePath));
            return new FfmpegWorkspace(folder, link);
        }
        catch
        {
            TryDelete(folder);
            throw;
        }
    }

    /// <summary>
    /// Kills any process still running in this folder. FFMpegCore kills the tool on cancellation; this
    /// makes sure of it (and of any child) before the folder goes away.
    /// </summary>
    public void KillLeftovers()
    {
        if (!OperatingSystem.IsLinux())
            return;
        foreach (var pid in ProcessesIn(Folder))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
                process.WaitForExit(TimeSpan.FromSeconds(5));
            }
            catch (ArgumentException) { } // already gone
            catch (InvalidOperationException) { }
            catch (System.ComponentModel.Win32Exception) { }
        }
    }

    /// <summary>Ids of processes whose working directory is <paramref name="folder"/> (Linux /proc).</summary>
    internal static IReadOnlyList<int> ProcessesIn(string folder)
    {
        var found = new List<int>();
        if (!OperatingSystem.IsLinux())
            return found;
        var wanted = Path.TrimEndingDirectorySeparator(folder);
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid))
                continue;
            try
            {
                var cwd = new DirectoryInfo(Path.Combine(entry, "cwd")).LinkTarget;
                if (cwd is not null && Path.TrimEndingDirectorySeparator(cwd) == wanted)
                    found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    public void Dispose() => TryDelete(Folder);

    private static void TryDelete(string folder)
    {
        // Deleting the folder removes the symlink, never the file it points to.
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
