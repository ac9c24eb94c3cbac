using System.Globalization;
using Preflight.Core.Formats.Image;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SharpImage = SixLabors.ImageSharp.Image;

namespace Preflight.Core.Previews;

/// <summary>
/// Makes the small picture shown beside a file's report. Images are decoded by the one restricted ImageSharp
/// configuration (PNG/JPEG only, allocation limit, size read before any decode), downscaled and re-encoded;
/// video frames and audio waveforms come from ffmpeg through <see cref="MediaTools"/>, hardened as for probing.
/// Everything is bounded (pixels in, pixels out, bytes out, time) and nothing throws for a bad file: a preview
/// that cannot be made is simply absent, and never changes a verdict.
/// </summary>
public sealed class PreviewMaker(MediaTools mediaTools)
{
    /// <summary>Longest side of a thumbnail or frame, in pixels.</summary>
    public const int MaxSide = 320;
    public const int WaveformWidth = 320;
    public const int WaveformHeight = 80;
    /// <summary>A preview larger than this is dropped (a 320 px JPEG is ~20 KB).</summary>
    public const long MaxPreviewBytes = 256 * 1024;
    /// <summary>Images above this many pixels get no thumbnail: decoding them costs more than a preview is worth.</summary>
    public const long MaxSourcePixels = 40_000_000;

    /// <summary>Findings after which the file is not opened again for a preview (damaged, hostile, or not what it claims).</summary>
    private static readonly HashSet<string> NoPreviewCodes =
    [
        FindingCodes.FileEmpty, FindingCodes.FileCorrupt, FindingCodes.FileUnreadable, FindingCodes.FormatUnsupported,
        FindingCodes.ProbeFailed, FindingCodes.ProbeTimeout,
    ];

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// False when <paramref name="report"/> gets no preview: no detected format, or a finding after which the file is
    /// not opened again. Also decides whether a preview kept for the same bytes (by an earlier, quicker check) is shown.
    /// </summary>
    public static bool MayPreview(FileReport report) =>
        report.Detected?.Format is not null && !report.Findings.Any(f => NoPreviewCodes.Contains(f.Code));

    /// <summary>The preview of the file at <paramref name="path"/> that <paramref name="report"/> describes, or null.</summary>
    public async Task<Preview?> MakeAsync(FileReport report, string path, CancellationToken cancellationToken)
    {
        if (!MayPreview(report) || report.Detected?.Format is not { } format)
            return null;
        try
        {
            return format switch
            {
                KnownFormats.Png or KnownFormats.Jpeg => await ThumbnailWithinTimeoutAsync(path, format, cancellationToken),
                KnownFormats.Mp4 or KnownFormats.Mov or KnownFormats.ThreeGp when report.Media?.VideoCodec is not null =>
                    await FrameAsync(path, format, report.Media, cancellationToken),
                KnownFormats.Wav or KnownFormats.Mp3 or KnownFormats.M4a or KnownFormats.Mp4 =>
                    await WaveformAsync(path, format, cancellationToken),
                _ => null,
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// <see cref="Thumbnail"/> under <see cref="Timeout"/>, as ffmpeg's stills are: a small hostile file (a progressive
    /// JPEG with thousands of scans over 36 MP) would otherwise keep a core and an inspection slot busy for minutes.
    /// </summary>
    private async Task<Preview?> ThumbnailWithinTimeoutAsync(string path, string format, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Timeout);
        return await Task.Run(() => Thumbnail(path, format, limit.Token), limit.Token);
    }

    /// <summary>Downscaled to fit <see cref="MaxSide"/>, re-encoded: PNG stays PNG (transparency), JPEG stays JPEG.</summary>
    internal static Preview? Thumbnail(string path, string format, CancellationToken cancellationToken = default)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var info = SharpImage.Identify(ImageSharpGate.Configuration, stream);
            if (info is null || (long)info.Width * info.Height > MaxSourcePixels || info.Width < 1 || info.Height < 1)
                return null;
            stream.Position = 0;
            // The decoders check the token between segments and scans: the decode stops at the timeout.
            using var image = SharpImage.LoadAsync<Rgba32>(ImageSharpGate.Configuration, stream, cancellationToken).GetAwaiter().GetResult();
            cancellationToken.ThrowIfCancellationRequested();
            // EXIF rotation, so a portrait photo's thumbnail stands up as it does in a viewer.
            image.Mutate(x => x.AutoOrient());
            var scale = Math.Min(1.0, (double)MaxSide / Math.Max(image.Width, image.Height));
            var width = Math.Max(1, (int)Math.Round(image.Width * scale));
            var height = Math.Max(1, (int)Math.Round(image.Height * scale));
            if (scale < 1.0) image.Mutate(x => x.Resize(width, height));
            image.Metadata.ExifProfile = null;
            image.Metadata.IccProfile = null;
            image.Metadata.XmpProfile = null;

            using var output = new MemoryStream();
            var png = format == KnownFormats.Png;
            if (png) image.SaveAsPng(output, new PngEncoder { CompressionLevel = PngCompressionLevel.BestCompression });
            else image.SaveAsJpeg(output, new JpegEncoder { Quality = 80 });
            return output.Length <= MaxPreviewBytes
                ? new Preview(Preview.Thumbnail, png ? "image/png" : "image/jpeg", image.Width, image.Height, output.ToArray())
                : null;
        }
        // A file that passed the quick check can still trip the full decode: no preview, never a failed report (the
        // CLI's HTML report has no other guard).
        catch (Exception e) when (ImageSharpGate.IsDecodeFailure(e))
        {
            return null;
        }
    }

    private async Task<Preview?> FrameAsync(string path, string format, MediaFacts media, CancellationToken cancellationToken)
    {
        // A frame a little way in: the first one is often black. Seeking before the input is fast (keyframe).
        var at = media.DurationSeconds is { } duration and > 0 ? Math.Min(1.0, duration / 3) : 0;
        var seek = at > 0 ? "-ss " + at.ToString("0.###", CultureInfo.InvariantCulture) : "";
        // scale keeps the aspect ratio (display rotation is applied by ffmpeg's autorotate) and never enlarges.
        var filter = $"-map 0:v:0 -frames:v 1 -an -sn -dn -vf \"scale='min({MaxSide},iw)':'min({MaxSide},ih)':force_original_aspect_ratio=decrease\" -c:v mjpeg -q:v 5 -f image2";
        var bytes = await mediaTools.RenderStillAsync(path, format, seek, filter, "jpg", Timeout, MaxPreviewBytes, cancellationToken);
        return bytes is null ? null : Describe(Preview.Frame, "image/jpeg", bytes);
    }

    private async Task<Preview?> WaveformAsync(string path, string format, CancellationToken cancellationToken)
    {
        var filter = $"-filter_complex \"[0:a:0]aformat=channel_layouts=mono,showwavespic=s={WaveformWidth}x{WaveformHeight}:colors=#2f6fdf:scale=sqrt\" " +
                     "-frames:v 1 -c:v png -f image2";
        var bytes = await mediaTools.RenderStillAsync(path, format, "", filter, "png", Timeout, MaxPreviewBytes, cancellationToken);
        return bytes is null ? null : Describe(Preview.Waveform, "image/png", bytes);
    }

    /// <summary>Reads back the size of what ffmpeg wrote (header only); an unreadable result is no preview.</summary>
    private static Preview? Describe(string kind, string mediaType, byte[] bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var info = SharpImage.Identify(ImageSharpGate.Configuration, stream);
            return info is null ? null : new Preview(kind, mediaType, info.Width, info.Height, bytes);
        }
        catch (Exception e) when (e is ImageFormatException or NotSupportedException or InvalidMemoryOperationException)
        {
            return null;
        }
    }
}
