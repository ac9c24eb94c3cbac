using Preflight.Core.Probing.Video;

namespace Preflight.Core.Tests.Probing.Video;

/// <summary>ffprobe and ffmpeg stand-ins for <see cref="MediaToolsOptions.BinaryFolder"/> that record their calls.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class ToolShims
{
    /// <summary>
    /// Writes ffprobe and ffmpeg scripts into <paramref name="folder"/> that append "TOOL ARGS" to <paramref name="callsLog"/>,
    /// then run <paramref name="body"/> (given the tool's name); returns the folder.
    /// </summary>
    public static string Create(string folder, string callsLog, Func<string, string> body)
    {
        Directory.CreateDirectory(folder);
        foreach (var tool in new[] { "ffprobe", "ffmpeg" })
        {
            var path = Path.Combine(folder, tool);
            File.WriteAllText(path, $"#!/bin/sh\necho \"{tool} $*\" >> '{callsLog}'\n{body(tool)}\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return Path.GetFullPath(folder);
    }

    /// <summary>A body that runs the real tool with the same arguments.</summary>
    public static string RealTool(string tool) => $"exec '/usr/bin/{tool}' \"$@\"";

    /// <summary>Media tools whose ffprobe and ffmpeg are shims made by <see cref="Create"/> (by default running the real tools).</summary>
    public static MediaTools Tools(string folder, string callsLog, Func<string, string>? body = null) =>
        new(new MediaToolsOptions { BinaryFolder = Create(folder, callsLog, body ?? RealTool) });

    /// <summary>The calls recorded so far, "TOOL ARGS" each; none when no tool was started.</summary>
    public static IReadOnlyList<string> Recorded(string callsLog) => File.Exists(callsLog) ? File.ReadAllLines(callsLog) : [];
}
