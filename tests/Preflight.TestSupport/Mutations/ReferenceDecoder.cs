using System.Diagnostics;

namespace Preflight.TestSupport.Mutations;

/// <summary>What the reference decoder said about one file.</summary>
public sealed record ReferenceVerdict(bool Rejected, string Detail);

/// <summary>
/// The yardstick of the mutation campaign: ffmpeg decoding every audio and video stream single-threaded with
/// <c>-xerror</c> (frame threads report damage depending on timing). A file is rejected when ffmpeg exits non-zero
/// or prints anything at level error. The demuxer is forced from the extension: these are files the test made.
/// </summary>
public static class ReferenceDecoder
{
    public static string DemuxerFor(string extension) => extension.ToLowerInvariant() switch
    {
        ".mp4" or ".mov" or ".m4a" => "mov",
        ".wav" => "wav",
        ".mp3" => "mp3",
        ".jpg" or ".jpeg" => "jpeg_pipe",
        ".png" => "png_pipe",
        _ => throw new ArgumentException("no reference demuxer for " + extension, nameof(extension)),
    };

    public static async Task<ReferenceVerdict> DecodeAsync(string path, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("ffmpeg")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])["-nostdin", "-hide_banner", "-v", "error", "-threads", "1", "-xerror",
                     "-f", DemuxerFor(Path.GetExtension(path)), "-i", path, "-map", "0:v?", "-map", "0:a?", "-f", "null", "-"])
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the reference decoder did not finish {Path.GetFileName(path)} within {timeout}");
        }
        await stdout;
        var errors = (await stderr).Trim();
        var rejected = process.ExitCode != 0 || errors.Length > 0;
        var detail = errors.Length > 0 ? errors.Split('\n')[0].Trim() : $"exit {process.ExitCode}";
        return new ReferenceVerdict(rejected, rejected ? detail : "decodes cleanly");
    }
}
