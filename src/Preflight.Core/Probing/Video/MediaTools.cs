using Preflight.Core.Reports;

namespace Preflight.Core.Probing.Video;

public sealed record MediaToolsOptions
{
    /// <summary>Folder holding ffprobe and ffmpeg; null = search PATH.</summary>
    public string? BinaryFolder { get; init; }
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan DecodeTimeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Address-space cap for each ffprobe/ffmpeg process (via prlimit).</summary>
    public long MemoryLimitBytes { get; init; } = 2L * 1024 * 1024 * 1024;
}

public sealed record ToolStatus(bool FfprobeAvailable, bool FfmpegAvailable, string? FfprobeVersion, string? Problem);

// STUB: being implemented (hardened FFMpegCore wrapper: forced demuxer, whitelist, timeout, prlimit, private temp name).
public sealed class MediaTools(MediaToolsOptions options)
{
    public MediaToolsOptions Options { get; } = options;

    public ToolStatus CheckAvailability() => new(false, false, null, "not implemented");

    /// <summary>ffprobe with the demuxer forced from the sniffed <paramref name="format"/>.</summary>
    public Task<ProbeResult> ProbeAsync(string path, string format, CancellationToken cancellationToken) =>
        Task.FromResult(new ProbeResult(MediaFacts.Empty, []));

    /// <summary>Full decode with ffmpeg -xerror; findings for any decode error.</summary>
    public Task<IReadOnlyList<Finding>> DecodeAsync(string path, string format, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Finding>>([]);
}
