namespace Preflight.Core.Probing.Video;

/// <summary>
/// One still picture (a video frame or an audio waveform) rendered by ffmpeg through the same hardened path as
/// probing: the demuxer forced from the sniffed format, demuxer and protocol whitelists, a private folder holding
/// only a symlink under a generated name, the address-space cap, and a timeout that kills the process.
/// </summary>
public sealed partial class MediaTools
{
    /// <summary>
    /// Runs <c>ffmpeg [inputOptions] -i input [outputOptions] still.EXT</c> in a fresh private folder and returns the
    /// still's bytes, or null when ffmpeg is missing, fails, times out, or writes more than <paramref name="maxBytes"/>.
    /// Never throws for a bad file: a missing preview is never a finding.
    /// </summary>
    /// <param name="inputOptions">Options placed before the forced-demuxer options (e.g. <c>-ss 1</c>); ours, never the user's.</param>
    /// <param name="outputOptions">Filters and encoder options for the single output picture; ours, never the user's.</param>
    /// <param name="extension"><c>jpg</c> or <c>png</c>: the still's file name in the private folder.</param>
    public async Task<byte[]?> RenderStillAsync(
        string path, string format, string inputOptions, string outputOptions, string extension, TimeSpan timeout,
        long maxBytes, CancellationToken cancellationToken)
    {
        if (FfmpegInput.For(format) is not { } input || extension is not ("jpg" or "png"))
            return null;
        // Located is enough: a broken ffmpeg fails its run, and a failed run is a missing still either way.
        if (!_tools.Usable("ffmpeg"))
            return null;

        var (workspace, _) = Prepare("ffmpeg", path, input);
        if (workspace is null)
            return null;

        using (workspace)
        {
            var output = Path.Combine(workspace.Folder, "still." + extension);
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            using var killer = limit.Token.Register(workspace.KillLeftovers);
            using var forFfmpegCore = new ShieldedCancellation(limit.Token);
            try
            {
                var result = await FFMpegCore.FFMpegArguments
                    .FromFileInput(workspace.InputPath, verifyExists: true,
                        o => o.WithCustomArgument($"-nostdin -v error {inputOptions} {input.InputArguments}"))
                    .OutputToFile(output, overwrite: true, o => o.WithCustomArgument(outputOptions))
                    .CancellableThrough(forFfmpegCore.Token, TimeSpan.Zero)
                    .ProcessAsynchronously(throwOnError: false, FfOptions(workspace));
                if (result.Cancelled || limit.IsCancellationRequested)
                {
                    workspace.KillLeftovers();
                    cancellationToken.ThrowIfCancellationRequested();
                    return null;
                }
                if (result.ExitCode != 0 || !File.Exists(output))
                    return null;
                var length = new FileInfo(output).Length;
                return length is > 0 && length <= maxBytes ? await File.ReadAllBytesAsync(output, cancellationToken) : null;
            }
            catch (Exception e) when (e is FFMpegCore.Exceptions.FFMpegException or InvalidOperationException
                                          or System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
            {
                workspace.KillLeftovers();
                return null;
            }
        }
    }
}
