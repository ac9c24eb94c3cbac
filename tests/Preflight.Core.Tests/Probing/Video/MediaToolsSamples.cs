using System.Diagnostics;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Probing.Video;

/// <summary>Media generated once per test class with the real (Debian) ffmpeg, plus helpers around processes.</summary>
public sealed class MediaToolsSamples : IDisposable
{
    private readonly TempDir _dir = new();

    public MediaToolsSamples()
    {
        Mp4 = Generate("ok.mp4", "-f lavfi -i testsrc=size=320x240:rate=25 -f lavfi -i sine=frequency=440:sample_rate=48000 -t 2 -c:v libx264 -pix_fmt yuv420p -c:a aac -shortest -movflags +faststart");
        Mp4Long = Generate("long.mp4", "-f lavfi -i testsrc=size=320x240:rate=25 -t 4 -c:v libx264 -pix_fmt yuv420p -g 25 -movflags +faststart");
        RotatedMp4 = Generate("rot.mp4", $"-i {Mp4} -c copy -metadata:s:v:0 rotate=90");
        Wav = Generate("tone.wav", "-f lavfi -i sine=frequency=440:sample_rate=44100 -t 2 -c:a pcm_s16le");
        Mp3 = Generate("tone.mp3", "-f lavfi -i sine=frequency=440:sample_rate=44100 -t 2 -c:a libmp3lame");
        Segment = Generate("seg.ts", "-f lavfi -i testsrc=size=160x120:rate=25 -t 1 -c:v libx264 -pix_fmt yuv420p -f mpegts");
        Subtitles = _dir.Write("subs.srt", "1\n00:00:00,000 --> 00:00:01,000\nhello\n"u8.ToArray());
        Mp4WithSubtitles = Generate("subs.mp4", $"-i {Mp4} -i {Subtitles} -map 0 -map 1 -c copy -c:s mov_text");
    }

    public string Folder => _dir.Path;
    public string Mp4 { get; }
    public string Mp4Long { get; }
    public string RotatedMp4 { get; }
    public string Wav { get; }
    public string Mp3 { get; }
    public string Segment { get; }
    public string Subtitles { get; }
    public string Mp4WithSubtitles { get; }

    public static string FfmpegPath => "/usr/bin/ffmpeg";

    private string Generate(string name, string arguments)
    {
        var output = _dir.File(name);
        var (exitCode, _, stderr) = Run(FfmpegPath, $"-nostdin -v error -y {arguments} {output}".Split(' '));
        if (exitCode != 0 || !File.Exists(output))
            throw new InvalidOperationException($"ffmpeg could not generate {name}: {stderr}");
        return output;
    }

    public static (int ExitCode, string Stdout, string Stderr) Run(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>Processes whose command line contains <paramref name="marker"/>.</summary>
    public static IReadOnlyList<int> ProcessesWithCommandLine(string marker)
    {
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid) || pid == Environment.ProcessId)
                continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(entry, "cmdline")).Replace('\0', ' ');
                if (cmdline.Contains(marker, StringComparison.Ordinal) && !IsZombie(entry))
                    found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    /// <summary>ffprobe/ffmpeg processes still running in a private probe folder that has been deleted.</summary>
    public static IReadOnlyList<int> OrphanedToolProcesses()
    {
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out _))
                continue;
            try
            {
                var cwd = new DirectoryInfo(Path.Combine(entry, "cwd")).LinkTarget ?? "";
                if (cwd.Contains("preflight-probe-", StringComparison.Ordinal) && cwd.EndsWith("(deleted)", StringComparison.Ordinal)
                    && !IsZombie(entry))
                    found.Add(int.Parse(Path.GetFileName(entry)));
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    private static bool IsZombie(string procEntry)
    {
        var stat = File.ReadAllText(Path.Combine(procEntry, "stat"));
        var afterName = stat[(stat.LastIndexOf(')') + 2)..];
        return afterName.StartsWith('Z') || afterName.StartsWith('X');
    }

    /// <summary>A folder with fake ffprobe/ffmpeg shell scripts (for hangs, argument and limit checks).</summary>
    public static string FakeTools(TempDir dir, string body)
    {
        if (OperatingSystem.IsWindows())
            throw new PlatformNotSupportedException("fake tools are shell scripts");
        var folder = Path.Combine(dir.Path, "fake-bin");
        Directory.CreateDirectory(folder);
        foreach (var tool in new[] { "ffprobe", "ffmpeg" })
        {
            var path = Path.Combine(folder, tool);
            File.WriteAllText(path,
                "#!/bin/sh\n"
                + $"if [ \"$1\" = \"-version\" ]; then echo \"{tool} version 0.0-fake\"; exit 0; fi\n"
                + body + "\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return folder;
    }

    /// <summary>Media tools whose fake ffprobe/ffmpeg only create <paramref name="marker"/>: to show a tool was never started.</summary>
    public static Core.Probing.Video.MediaTools MarkingTools(TempDir dir, out string marker)
    {
        marker = dir.File("ran");
        return new(new Core.Probing.Video.MediaToolsOptions { BinaryFolder = FakeTools(dir, $"touch '{marker}'; exit 1") });
    }

    public void Dispose() => _dir.Dispose();
}
