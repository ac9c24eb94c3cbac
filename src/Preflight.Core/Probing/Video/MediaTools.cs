using System.Globalization;
using FFMpegCore;
using FFMpegCore.Exceptions;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Probing.Video;

public sealed record MediaToolsOptions
{
    /// <summary>Folder holding ffprobe and ffmpeg; null = search PATH.</summary>
    public string? BinaryFolder { get; init; }
    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan DecodeTimeout { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Address-space cap for each ffprobe/ffmpeg process (via prlimit); 0 or less = no cap.</summary>
    public long MemoryLimitBytes { get; init; } = 2L * 1024 * 1024 * 1024;
}

public sealed record ToolStatus(bool FfprobeAvailable, bool FfmpegAvailable, string? FfprobeVersion, string? Problem);

/// <summary>
/// The only door to ffprobe/ffmpeg (through FFMpegCore), hardened per SECURITY.md: the demuxer is forced
/// from the sniffed format with a demuxer and protocol whitelist, the tool sees a symlink under a generated
/// name in a fresh private folder, each process runs under an address-space cap, and a timeout kills it.
/// FFMpegCore options are passed on every call; its global options are never touched.
/// </summary>
public sealed class MediaTools(MediaToolsOptions options)
{
    private readonly FfmpegToolset _tools = new(options.BinaryFolder, options.MemoryLimitBytes);

    public MediaToolsOptions Options { get; } = options;

    /// <summary>Runs <c>ffprobe -version</c> and <c>ffmpeg -version</c> once per instance; never throws.</summary>
    public ToolStatus CheckAvailability() => _tools.Status;

    /// <inheritdoc cref="CheckAvailability"/>
    public Task<ToolStatus> CheckAvailabilityAsync(CancellationToken cancellationToken) =>
        _tools.StatusKnown ? Task.FromResult(_tools.Status) : Task.Run(() => _tools.Status, cancellationToken);

    /// <summary>ffprobe with the demuxer forced from the sniffed <paramref name="format"/>.</summary>
    /// <exception cref="MissingToolException">ffprobe is not installed or cannot run.</exception>
    public async Task<ProbeResult> ProbeAsync(string path, string format, CancellationToken cancellationToken)
    {
        if (FfmpegInput.For(format) is not { } input)
            return Refused("ffprobe", format);

        var status = await CheckAvailabilityAsync(cancellationToken);
        if (!status.FfprobeAvailable)
            throw new MissingToolException("ffprobe", FfmpegToolset.InstallHint);

        var (workspace, problem) = Prepare("ffprobe", path, input);
        if (workspace is null)
            return new ProbeResult(MediaFacts.Empty, [problem!]);

        using (workspace)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.ProbeTimeout);
            // FFMpegCore kills the tool it started, then waits for its output pipes to close; a child still
            // holding them would keep it waiting forever. Killing everything in the folder releases them.
            using var killer = timeout.Token.Register(workspace.KillLeftovers);
            using var peak = PeakMemory.Watch(workspace.Folder);
            var displayName = Path.GetFileName(path);
            try
            {
                var analysis = await FFProbe.AnalyseAsync(
                    workspace.InputPath, FfOptions(workspace), input.InputArguments, timeout.Token);
                return new ProbeResult(FfprobeNormaliser.Normalise(analysis.Raw), []);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                workspace.KillLeftovers();
                return new ProbeResult(MediaFacts.Empty, [TimedOut("ffprobe did not finish", Options.ProbeTimeout)]);
            }
            catch (OperationCanceledException)
            {
                workspace.KillLeftovers();
                throw;
            }
            catch (FFProbeProcessException e)
            {
                var lines = FfmpegStderr.Clean(e.StandardError, workspace.InputPath, displayName);
                var reason = FfmpegStderr.FirstMeaningful(lines) ?? $"ffprobe exited with code {e.ExitCode}";
                return FfmpegStderr.IsResourceFailure(lines, peak.Bytes, Options.MemoryLimitBytes)
                    ? new ProbeResult(MediaFacts.Empty, [ResourceFailure("ffprobe", reason, peak.Bytes)])
                    : ProbeResult.Corrupt($"ffprobe could not read the file: {reason}{MalformedAllocation(lines, peak.Bytes)}");
            }
            catch (FormatNullException)
            {
                return ProbeResult.Corrupt("ffprobe could not read the file: it found no container format.");
            }
            catch (Exception e) when (e is FFMpegException or System.ComponentModel.Win32Exception)
            {
                // FFMpegCore's own "-version" check failed or the process did not start: not the file's fault.
                return new ProbeResult(MediaFacts.Empty, [CouldNotRun("ffprobe", e, workspace, displayName)]);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or OverflowException
                                          or InvalidOperationException)
            {
                return new ProbeResult(MediaFacts.Empty,
                    [Finding.Error(FindingCodes.ProbeFailed, $"ffprobe's answer could not be used: {e.Message.Replace(workspace.InputPath, displayName, StringComparison.Ordinal)}")]);
            }
        }
    }

    /// <summary>Full decode with ffmpeg -xerror; findings for any decode error.</summary>
    /// <exception cref="MissingToolException">ffmpeg is not installed or cannot run.</exception>
    public async Task<IReadOnlyList<Finding>> DecodeAsync(string path, string format, CancellationToken cancellationToken)
    {
        if (FfmpegInput.For(format) is not { } input)
            return Refused("ffmpeg", format).Findings;

        var status = await CheckAvailabilityAsync(cancellationToken);
        if (!status.FfmpegAvailable)
            throw new MissingToolException("ffmpeg", FfmpegToolset.InstallHint);

        var (workspace, problem) = Prepare("ffmpeg", path, input);
        if (workspace is null)
            return [problem!];

        using (workspace)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.DecodeTimeout);
            using var killer = timeout.Token.Register(workspace.KillLeftovers);
            using var peak = PeakMemory.Watch(workspace.Folder);
            FFMpegResult result;
            try
            {
                // Only audio and video are decoded: subtitle/data tracks have no null encoder and would fail a good file.
                // One decoding thread: frame threads report damage depending on timing (the same damaged H.264 passed
                // one run and failed the next); throughput comes from decoding several files at once instead.
                result = await FFMpegArguments
                    .FromFileInput(workspace.InputPath, verifyExists: true,
                        o => o.WithCustomArgument("-nostdin -v error -xerror " + input.InputArguments + " -threads 1"))
                    .OutputToNull(o => o.WithCustomArgument("-map 0:v? -map 0:a?"))
                    .CancellableThrough(timeout.Token, TimeSpan.Zero)
                    .ProcessAsynchronously(throwOnError: false, FfOptions(workspace));
            }
            catch (Exception e) when (e is FFMpegException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                workspace.KillLeftovers();
                return [CouldNotRun("ffmpeg", e, workspace, Path.GetFileName(path))];
            }

            if (result.Cancelled || timeout.IsCancellationRequested)
            {
                workspace.KillLeftovers();
                cancellationToken.ThrowIfCancellationRequested();
                return [TimedOut("ffmpeg did not finish decoding", Options.DecodeTimeout)];
            }

            var lines = FfmpegStderr.Clean(result.StandardError, workspace.InputPath, Path.GetFileName(path));
            if (result.ExitCode == 0 && lines.Count == 0)
                return [];
            var detail = lines.Count == 0 ? $"ffmpeg exited with code {result.ExitCode}" : string.Join("; ", lines.Take(3));
            if (FfmpegStderr.IsResourceFailure(lines, peak.Bytes, Options.MemoryLimitBytes))
                return [ResourceFailure("ffmpeg", detail, peak.Bytes)];
            if (format == KnownFormats.Jpeg && FfmpegStderr.JpegDamage(lines) is { } where)
                return [Finding.Error(FindingCodes.FileCorrupt, $"decoding failed: {where} (ffmpeg: {detail})")];
            return [Finding.Error(FindingCodes.FileCorrupt, $"decoding failed: {detail}{MalformedAllocation(lines, peak.Bytes)}")];
        }
    }

    private (FfmpegWorkspace? Workspace, Finding? Problem) Prepare(string tool, string path, FfmpegInput input)
    {
        if (!File.Exists(path))
            return (null, Finding.Error(FindingCodes.FileUnreadable, "The file could not be read: it does not exist."));
        try
        {
            _ = _tools.WrapperFolder;
            return (FfmpegWorkspace.Create(path, input.LinkName), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, Finding.Error(FindingCodes.ProbeFailed, $"{tool} could not be prepared: {e.Message}"));
        }
    }

    private FFOptions FfOptions(FfmpegWorkspace workspace) => new()
    {
        BinaryFolder = _tools.WrapperFolder,
        TemporaryFilesFolder = workspace.Folder,
        WorkingDirectory = workspace.Folder,
    };

    private static ProbeResult Refused(string tool, string format) =>
        new(MediaFacts.Empty,
            [Finding.Error(FindingCodes.ProbeFailed,
                $"{tool} is not run on '{format}' data: only MP4/MOV/M4A/3GP, WAV, MP3 and (to decode) JPEG are opened, with their demuxer forced.")]);

    private string MemoryCap => Options.MemoryLimitBytes > 0
        ? (Options.MemoryLimitBytes / (1024.0 * 1024)).ToString("0", CultureInfo.InvariantCulture) + " MiB"
        : "none";

    private Finding ResourceFailure(string tool, string detail, long peakBytes) =>
        Finding.Error(FindingCodes.ProbeFailed,
            $"{tool} ran out of resources under its memory cap ({MemoryCap}{PeakText(peakBytes)}): {detail}", limit: MemoryCap);

    /// <summary>Why "Cannot allocate memory" was taken for a corrupt file, not a resource limit.</summary>
    private string MalformedAllocation(IReadOnlyList<string> lines, long peakBytes) =>
        lines.Any(l => l.Contains("Cannot allocate memory", StringComparison.Ordinal))
            ? $" (a malformed size or table: the tool asked for an impossible amount of memory while using {Mib(peakBytes)} of its {MemoryCap} cap)"
            : "";

    private static string PeakText(long peakBytes) => peakBytes > 0 ? $", peak {Mib(peakBytes)}" : "";

    private static string Mib(long bytes) => bytes > 0
        ? (bytes / (1024.0 * 1024)).ToString("0", CultureInfo.InvariantCulture) + " MiB"
        : "an unmeasured amount";

    private Finding CouldNotRun(string tool, Exception e, FfmpegWorkspace workspace, string displayName) =>
        Finding.Error(FindingCodes.ProbeFailed,
            $"{tool} could not run (memory cap {MemoryCap}): {e.Message.Replace(workspace.InputPath, displayName, StringComparison.Ordinal)}");

    private static Finding TimedOut(string what, TimeSpan limit)
    {
        var seconds = limit.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
        return Finding.Error(FindingCodes.ProbeTimeout, $"{what} within {seconds}", limit: seconds);
    }
}
