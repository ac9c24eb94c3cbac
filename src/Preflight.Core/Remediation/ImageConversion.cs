using Preflight.Core.Formats.Gif;
using Preflight.Core.Formats.Image;
using Preflight.Core.Sniffing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Pbm;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tga;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SharpImage = SixLabors.ImageSharp.Image;

namespace Preflight.Core.Remediation;

/// <summary>The outcome of an image conversion: null <see cref="Problem"/> means the output was written.</summary>
internal sealed record ImageConversionResult(string? Problem, string OutputFormat, IReadOnlyList<FixOperation> ExtraOperations);

/// <summary>
/// Image fixes through ImageSharp 2.1.13. Checking uses <see cref="ImageSharpGate"/> (PNG and JPEG only); converting
/// must also read WebP, GIF, BMP, TIFF, TGA and PBM, so it has its own configuration — used only on files the sniffer
/// named as one of those, with the same allocation limit and pixel cap as a deep check.
/// </summary>
internal static class ImageConversion
{
    private static readonly Configuration Configuration = new(
        new PngConfigurationModule(), new JpegConfigurationModule(), new WebpConfigurationModule(),
        new GifConfigurationModule(), new BmpConfigurationModule(), new TiffConfigurationModule(),
        new TgaConfigurationModule(), new PbmConfigurationModule())
    {
        MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
        {
            AllocationLimitMegabytes = ImageSharpGate.AllocationLimitMegabytes,
        }),
    };

    /// <summary>
    /// Native AOT: ImageSharp's TIFF reader builds an <see cref="ExifDataType"/> array by reflection, which fails in the
    /// published CLI ("ExifDataType[] is missing native code") unless the array type is compiled in. Allocating one
    /// here makes the compiler keep it. PublishedCliTests fix a TIFF with both builds.
    /// </summary>
    private static readonly ExifDataType[] KeptForNativeAot = new ExifDataType[1];

    public static bool CanRead(string format) => format is KnownFormats.Png or KnownFormats.Jpeg or KnownFormats.Webp
        or KnownFormats.Gif or KnownFormats.Bmp or KnownFormats.Tiff or KnownFormats.Tga or KnownFormats.Netpbm;

    /// <summary>
    /// The picture's stored size, read from its header: the check recognises WebP, GIF, BMP, TIFF, TGA and Netpbm without
    /// opening them, and a fix must know whether to scale. Null when ImageSharp cannot read the header (the conversion
    /// says why).
    /// </summary>
    public static async Task<(int Width, int Height)?> IdentifyAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
            var info = await SharpImage.IdentifyAsync(Configuration, stream, cancellationToken);
            return info is null ? null : (info.Width, info.Height);
        }
        catch (Exception e) when (ImageSharpGate.IsDecodeFailure(e))
        {
            return null;
        }
    }

    public static async Task<ImageConversionResult> ConvertAsync(string inputPath, ImageFix plan, string destinationPath, CancellationToken cancellationToken)
    {
        var extra = new List<FixOperation>();
        try
        {
            await using var stream = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
            var info = await SharpImage.IdentifyAsync(Configuration, stream, cancellationToken);
            if (info is null)
                return new ImageConversionResult("ImageSharp does not recognise the image.", plan.OutputFormat, extra);
            var pixels = (long)info.Width * info.Height;
            if (pixels > ImageSharpGate.MaxDecodePixels)
                return new ImageConversionResult($"The image declares {info.Width}x{info.Height} ({pixels:N0} pixels); images above {ImageSharpGate.MaxDecodePixels:N0} pixels are not decoded.", plan.OutputFormat, extra);

            // An animated GIF (or multi-page TIFF) keeps its first frame: PNG and JPEG hold one picture. Only that frame
            // is decoded: each GIF frame is a whole canvas, so 24 one-pixel frames on a 4000x4000 screen (a 600-byte
            // file) took 1.6 GB decoded whole, and the pixel cap bounds one frame, not their number.
            var frames = plan.InputFormat == KnownFormats.Gif ? GifBlocks.FrameCount(stream) : null;
            stream.Position = 0;
            using var loaded = plan.InputFormat switch
            {
                KnownFormats.Gif => await SharpImage.LoadAsync<Rgba32>(Configuration, stream, new GifDecoder { DecodingMode = FrameDecodingMode.First }, cancellationToken),
                KnownFormats.Tiff => await SharpImage.LoadAsync<Rgba32>(Configuration, stream, new TiffDecoder { DecodingMode = FrameDecodingMode.First }, cancellationToken),
                _ => await SharpImage.LoadAsync<Rgba32>(Configuration, stream, cancellationToken),
            };
            using var image = loaded.Frames.Count > 1 ? loaded.Frames.CloneFrame(0) : loaded.Clone(_ => { });
            frames = Math.Max(frames ?? 0, loaded.Frames.Count);
            if (frames > 1)
                extra.Add(new FixOperation(FixOps.ImageConvert, $"kept the first of {frames} frames"));
            image.Mutate(x => x.AutoOrient());
            if (plan.MaxSide is { } side)
                image.Mutate(x => x.Resize(new ResizeOptions { Mode = ResizeMode.Max, Size = new Size(side, side), Sampler = KnownResamplers.Lanczos3 }));
            image.Metadata.ExifProfile = null;

            var format = plan.OutputFormat;
            await SaveAsync(image, format, plan.JpegQuality, destinationPath, cancellationToken);
            if (format == KnownFormats.Png && plan.JpegIfTooLarge is { } max && new FileInfo(destinationPath).Length > max)
            {
                var pngBytes = new FileInfo(destinationPath).Length;
                format = KnownFormats.Jpeg;
                await SaveAsync(image, format, plan.JpegQuality, destinationPath, cancellationToken);
                extra.Add(new FixOperation(FixOps.ImageConvert, $"written as JPEG (quality {plan.JpegQuality}): as PNG it was {pngBytes:N0} bytes, over the size limit"));
            }
            return new ImageConversionResult(null, format, extra);
        }
        catch (Exception e) when (ImageSharpGate.IsDecodeFailure(e))
        {
            return new ImageConversionResult($"ImageSharp could not convert the image: {e.Message}", plan.OutputFormat, extra);
        }
    }

    private static async Task SaveAsync(Image<Rgba32> image, string format, int quality, string path, CancellationToken cancellationToken)
    {
        await using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        if (format == KnownFormats.Jpeg)
        {
            // JPEG has no alpha: transparent pixels become white, not the black their colour channels often hold.
            image.Mutate(x => x.BackgroundColor(Color.White));
            await image.SaveAsJpegAsync(output, new JpegEncoder { Quality = quality }, cancellationToken);
        }
        else
            await image.SaveAsPngAsync(output, new PngEncoder(), cancellationToken);
    }
}
