using System.Globalization;
using FFMpegCore;
using FFMpegCore.Exceptions;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Probing.Video;

public sealed record MediaToolsOptions
{
    /// <summary>Folder holding ffprobe and ffmpeg; null = search PATH.</summary>
    public string? BinaryFolder { get; set; }
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan DecodeTimeout { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Address-space cap for each ffprobe/ffmpeg process (the wrapper's <c>ulimit -v</c>, in whole KiB); 0 or less = no cap.</summary>
    public long MemoryLimitBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>A fix's ffmpeg run may take this long plus <see cref="ConvertTimeoutPerMediaSecond"/> per second of media.</summary>
    public TimeSpan ConvertTimeoutBase { get; set; } = TimeSpan.FromSeconds(60);
    public TimeSpan ConvertTimeoutPerMediaSecond { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>The longest any one fix's ffmpeg run may take, whatever the media's duration.</summary>
    public TimeSpan ConvertTimeoutMax { get; set; } = TimeSpan.FromHours(2);

    /// <summary>
    /// A fix that only copies streams from a MOV/MP4 Preflight's own reader fully understands is written in process
    /// (no ffmpeg; the output is hashed as it is written); false = every remux runs ffmpeg.
    /// </summary>
    public bool InProcessRemux { get; set; } = true;

    /// <summary>The timeout of a conversion of <paramref name="mediaSeconds"/> of media (the decode timeout when unknown).</summary>
    public TimeSpan ConvertTimeoutFor(double? mediaSeconds)
    {
        if (mediaSeconds is not > 0) return DecodeTimeout;
        var proportional = ConvertTimeoutBase + ConvertTimeoutPerMediaSecond * Math.Min(mediaSeconds.Value, 1e6);
        return proportional < ConvertTimeoutMax ? proportional : ConvertTimeoutMax;
    }
}

/// <summary>One ffmpeg run that writes a file (a fix): input options go before the input, output options before the output.</summary>
/// <param name="InputFormat">The sniffed format of the input: picks the forced demuxer.</param>
/// <param name="OutputFormat">mp4, mp3 or wav: picks the forced muxer.</param>
/// <param name="DestinationPath">Where the finished output is moved; it never exists half-written.</param>
/// <param name="MediaSeconds">The input's duration: the timeout grows with it.</param>
public sealed record ConversionRequest(
    string InputPath,
    string InputFormat,
    string InputOptions,
    string OutputOptions,
    string OutputFormat,
    string DestinationPath,
    double? MediaSeconds);

/// <summary>What a conversion did. <see cref="Problem"/> is null when the output was written.</summary>
public sealed record ConversionResult(string? Problem, IReadOnlyList<string> Warnings, bool TimedOut = false)
{
    public bool Succeeded => Problem is null;
}

public sealed record ToolStatus(bool FfprobeAvailable, bool FfmpegAvailable, string? FfprobeVersion, string? Problem);

/// <summary>
/// The only door to ffprobe/ffmpeg (through FFMpegCore), hardened per SECURITY.md: the demuxer is forced
/// from the sniffed format with a demuxer and protocol whitelist, the tool sees a symlink under a generated
/// name in a fresh private folder, each process runs under an address-space cap, and a timeout kills it.
/// FFMpegCore options are passed on every call; its global options are never touched.
/// </summary>
public sealed partial class MediaTools(MediaToolsOptions options)
{
    private readonly FfmpegToolset _tools = new(options.BinaryFolder, options.MemoryLimitBytes);

    public MediaToolsOptions Options { get; } = options;

    /// <summary>
    /// Runs <c>ffprobe -version</c> and <c>ffmpeg -version</c> once per instance; never throws. Probing, decoding and
    /// converting do not wait for it: they need the tool only located, and ask for this check when a run failed.
    /// </summary>
    public ToolStatus CheckAvailability() => _tools.Status;

    /// <inheritdoc cref="CheckAvailability"/>
    public Task<ToolStatus> CheckAvailabilityAsync(CancellationToken cancellationToken) =>
        _tools.StatusKnown ? Task.FromResult(_tools.Status) : Task.Run(() => _tools.Status, cancellationToken);

    /// <summary>ffprobe with the demuxer forced from the sniffed <paramref name="format"/>.</summary>
    /// <exception cref="MissingToolException">ffprobe is not installed or cannot run.</exception>
    public Task<ProbeResult> ProbeAsync(string path, string format, CancellationToken cancellationToken) =>
        FfmpegInput.For(format) is { } input
            ? ProbeWithAsync(path, input, cancellationToken)
            : Task.FromResult(Refused("ffprobe", format));

    /// <summary>
    /// ffprobe for a file a fix will convert: also opens the sniffed formats only conversion reads (MKV, WebM, MPEG-TS,
    /// AVI, FLV, FLAC, Ogg, AAC), each with its own demuxer forced.
    /// </summary>
    /// <exception cref="MissingToolException">ffprobe is not installed or cannot run.</exception>
    public Task<ProbeResult> ProbeForConversionAsync(string path, string format, CancellationToken cancellationToken) =>
        FfmpegInput.ForConversion(format) is { } input
            ? ProbeWithAsync(path, input, cancellationToken)
            : Task.FromResult(Refused("ffprobe", format));

    /// <summary>True when a fix can hand <paramref name="format"/> to ffmpeg (with its demuxer forced).</summary>
    public static bool CanConvertFrom(string format) => FfmpegInput.ForConversion(format) is not null;

    private async Task<ProbeResult> ProbeWithAsync(string path, FfmpegInput input, CancellationToken cancellationToken)
    {
        ThrowIfNotLocated("ffprobe");

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
                var analysis = await FfprobeRun.AnalyseAsync(
                    workspace.InputPath, FfOptions(workspace), input.InputArguments, timeout.Token);
                return new ProbeResult(FfprobeNormaliser.Normalise(analysis), []);
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
                await ThrowIfBrokenAsync("ffprobe", cancellationToken);
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
                await ThrowIfBrokenAsync("ffprobe", cancellationToken);
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

        ThrowIfNotLocated("ffmpeg");

        var (workspace, problem) = Prepare("ffmpeg", path, input);
        if (workspace is null)
            return [problem!];

        using (workspace)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Options.DecodeTimeout);
            using var killer = timeout.Token.Register(workspace.KillLeftovers);
            using var forFfmpegCore = new ShieldedCancellation(timeout.Token);
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
                    .CancellableThrough(forFfmpegCore.Token, TimeSpan.Zero)
                    .ProcessAsynchronously(throwOnError: false, FfOptions(workspace));
            }
            catch (Exception e) when (e is FFMpegException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                workspace.KillLeftovers();
                await ThrowIfBrokenAsync("ffmpeg", cancellationToken);
                return [CouldNotRun("ffmpeg", e, workspace, Path.GetFileName(path))];
            }

            if (result.Cancelled || timeout.IsCancellationRequested)
            {
                workspace.KillLeftovers();
                cancellationToken.ThrowIfCancellationRequested();
                return [TimedOut("ffmpeg did not finish decoding", Options.DecodeTimeout)];
            }

            if (result.ExitCode != 0)
                await ThrowIfBrokenAsync("ffmpeg", cancellationToken);
            var lines = FfmpegStderr.Clean(result.StandardError, workspace.InputPath, Path.GetFileName(path));
            if (result.ExitCode == 0 && lines.Count == 0)
                return [];
            var detail = lines.Count == 0 ? $"ffmpeg exited with code {result.ExitCode}" : string.Join("; ", lines.Take(3));
            if (FfmpegStderr.IsResourceFailure(lines, peak.Bytes, Options.MemoryLimitBytes))
                return [ResourceFailure("ffmpeg", detail, peak.Bytes)];
            if (StoppedBySignal(result.ExitCode))
                return [Finding.Error(FindingCodes.ProbeFailed,
                    $"ffmpeg was stopped by a signal before it finished decoding (exit code {result.ExitCode}), so the file was not judged; run the check again")];
            if (format == KnownFormats.Jpeg && FfmpegStderr.JpegDamage(lines) is { } where)
                return [Finding.Error(FindingCodes.FileCorrupt, $"decoding failed: {where} (ffmpeg: {detail})")];
            return [Finding.Error(FindingCodes.FileCorrupt, $"decoding failed: {detail}{MalformedAllocation(lines, peak.Bytes)}")];
        }
    }

    /// <summary>
    /// Runs ffmpeg to write a fixed file, hardened as probing is: demuxer forced from the sniffed format with the
    /// demuxer and protocol whitelists, the input a symlink under a generated name in a private folder (also the
    /// output's folder and the working directory), the muxer forced, the address-space cap, and a timeout that grows
    /// with the media's duration and kills the process. The output is moved to the destination only when complete.
    /// </summary>
    /// <exception cref="MissingToolException">ffmpeg is not installed or cannot run.</exception>
    public async Task<ConversionResult> ConvertAsync(ConversionRequest request, CancellationToken cancellationToken)
    {
        if (FfmpegInput.ForConversion(request.InputFormat) is not { } input)
            return new ConversionResult(Refused("ffmpeg", request.InputFormat).Findings[0].Message, []);
        if (FfmpegOutput.MuxerFor(request.OutputFormat) is not { } muxer)
            return new ConversionResult($"ffmpeg does not write '{request.OutputFormat}' files for a fix.", []);

        ThrowIfNotLocated("ffmpeg");

        var (workspace, problem) = Prepare("ffmpeg", request.InputPath, input);
        if (workspace is null)
            return new ConversionResult(problem!.Message, []);

        using (workspace)
        {
            var limit = Options.ConvertTimeoutFor(request.MediaSeconds);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(limit);
            using var killer = timeout.Token.Register(workspace.KillLeftovers);
            using var forFfmpegCore = new ShieldedCancellation(timeout.Token);
            var output = Path.Combine(workspace.Folder, "output." + muxer);
            var displayName = Path.GetFileName(request.InputPath);
            FFMpegResult result;
            try
            {
                result = await FFMpegArguments
                    .FromFileInput(workspace.InputPath, verifyExists: true,
                        o => o.WithCustomArgument($"-nostdin -v error {request.InputOptions} {input.InputArguments}"))
                    .OutputToFile(output, overwrite: true, o => o.WithCustomArgument($"{request.OutputOptions} -f {muxer}"))
                    .CancellableThrough(forFfmpegCore.Token, TimeSpan.Zero)
                    .ProcessAsynchronously(throwOnError: false, FfOptions(workspace));
            }
            catch (Exception e) when (e is FFMpegException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                workspace.KillLeftovers();
                await ThrowIfBrokenAsync("ffmpeg", cancellationToken);
                return new ConversionResult(CouldNotRun("ffmpeg", e, workspace, displayName).Message, []);
            }

            if (result.Cancelled || timeout.IsCancellationRequested)
            {
                workspace.KillLeftovers();
                cancellationToken.ThrowIfCancellationRequested();
                return new ConversionResult(TimedOut("ffmpeg did not finish the fix", limit).Message, [], TimedOut: true);
            }

            if (result.ExitCode != 0)
                await ThrowIfBrokenAsync("ffmpeg", cancellationToken);
            var lines = FfmpegStderr.Clean(result.StandardError, workspace.InputPath, displayName)
                .Select(l => l.Replace(output, "the output", StringComparison.Ordinal)).ToList();
            if (result.ExitCode != 0 || !File.Exists(output) || new FileInfo(output).Length == 0)
            {
                var reason = FfmpegStderr.IsResourceFailure(lines)
                    ? ResourceFailure("ffmpeg", string.Join("; ", lines.Take(3)), peakBytes: 0).Message
                    : "ffmpeg could not write the output: " + (FfmpegStderr.FirstMeaningful(lines) ?? $"exit code {result.ExitCode}");
                return new ConversionResult(reason, lines);
            }
            File.Move(output, request.DestinationPath, overwrite: true);
            return new ConversionResult(null, lines);
        }
    }

    /// <summary>Before a run: the binary was found (no process is started to check it).</summary>
    private void ThrowIfNotLocated(string tool)
    {
        if (!_tools.Usable(tool))
            throw new MissingToolException(tool, FfmpegToolset.InstallHint);
    }

    /// <summary>
    /// After a failed run (non-zero exit, or no process): a tool that cannot run (missing libraries, wrong
    /// architecture, no permission) fails just like a bad file, so the <c>-version</c> check decides, once per
    /// instance. A broken tool is a <see cref="MissingToolException"/>, as when it was not found at all; a working one
    /// leaves the failure to the file.
    /// </summary>
    private async Task ThrowIfBrokenAsync(string tool, CancellationToken cancellationToken)
    {
        if (!FfmpegToolset.Available(await CheckAvailabilityAsync(cancellationToken), tool))
            throw new MissingToolException(tool, FfmpegToolset.InstallHint);
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

    /// <summary>
    /// ffmpeg's exit code after a signal: 255 when it caught one (Ctrl-C in a terminal reaches the whole process group,
    /// so ffmpeg may see it before this process cancels), 128 + the signal when one killed it. Neither says anything
    /// about the file, and such a run's verdict must not be cached as "corrupt".
    /// </summary>
    internal static bool StoppedBySignal(int exitCode) => exitCode >= 128;

    private static Finding TimedOut(string what, TimeSpan limit)
    {
        var seconds = limit.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
        return Finding.Error(FindingCodes.ProbeTimeout, $"{what} within {seconds}", limit: seconds);
    }
}
