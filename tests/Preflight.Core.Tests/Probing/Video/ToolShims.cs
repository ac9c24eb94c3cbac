namespace Preflight.Core.Tests.Probing.Video;

/// <summary>ffprobe and ffmpeg stand-ins for <see cref="Core.Probing.Video.MediaToolsOptions.BinaryFolder"/> that record their calls.</summary>
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
}
