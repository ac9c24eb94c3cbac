using Preflight.Core.Formats.Jpeg;
using Preflight.Core.Formats.Png;
using Preflight.Core.Probing;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SharpImage = SixLabors.ImageSharp.Image;
using SixLabors.ImageSharp.Memory;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;

namespace Preflight.Core.Formats.Image;

/// <summary>
/// Reads JPEG and PNG files through ImageSharp (restricted to those two decoders) plus our own structure walks.
/// Quick mode never decodes pixels; deep mode decodes under a hard allocation limit. Never throws for a bad file.
/// </summary>
public sealed class ImageProber
{
    /// <summary>Quick: header facts (Identify) plus structural checks (PNG CRCs + IEND, JPEG EOI).</summary>
    /// <param name="format">The sniffed format: <c>jpeg</c> or <c>png</c>.</param>
    public ProbeResult Probe(string path, string format) => Probe(() => OpenRead(path), format);

    /// <summary>Reads the stream <paramref name="open"/> gives (the inspector's in-memory copy, so the file is read once).</summary>
    internal ProbeResult Probe(Func<Stream> open, string format)
    {
        try
        {
            using var stream = open();
            var structure = format switch
            {
                KnownFormats.Png => PngStructure.Check(stream),
                KnownFormats.Jpeg => JpegStructure.Check(stream),
                _ => StructureResult.Corrupt($"'{format}' is not an image format this prober reads (JPEG or PNG only)."),
            };

            if (structure.KeepFromDecoder) return ProbeResult.Corrupt(structure.Corruption!);
            stream.Position = 0;
            var (media, identifyProblem) = Identify(stream, format);
            // The structure walk names the precise problem; ImageSharp's complaint is only the fallback.
            var problem = structure.Corruption ?? identifyProblem;
            if (problem is not null) return new ProbeResult(media, [Finding.Error(FindingCodes.FileCorrupt, problem)]);
            // Issue 10, "Strictness": the image itself is whole; lenient decoders ignore the tail, strict ones do not.
            return format == KnownFormats.Png && structure.TrailingBytes > 0
                ? new ProbeResult(media, [Finding.Warning(FindingCodes.FileTrailingData,
                    $"{structure.TrailingBytes:N0} bytes follow the PNG's IEND chunk. Most decoders ignore them; a strict one " +
                    "(ffmpeg) reads them as a second image that is not a PNG and fails.",
                    actual: $"{structure.TrailingBytes:N0} bytes after IEND", limit: "0")])
                : new ProbeResult(media, []);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unreadable(e);
        }
    }

    /// <summary>Deep: full decode under an allocation limit (refused above <see cref="ImageSharpGate.MaxDecodePixels"/>).</summary>
    public ProbeResult Decode(string path, string format)
    {
        try
        {
            using var stream = OpenRead(path);
            var (media, identifyProblem) = Identify(stream, format);
            if (identifyProblem is not null)
                return new ProbeResult(media, [Finding.Error(FindingCodes.FileCorrupt, identifyProblem)]);

            // Checked before Load: a 65-byte PNG can declare 60000x60000, and even a refused allocation costs time.
            // Not an error of the file itself (the resolution rule judges the size), so a warning that says the
            // pixels were not verified.
            var pixels = (long)(media.Width ?? 0) * (media.Height ?? 0);
            if (pixels > ImageSharpGate.MaxDecodePixels)
            {
                return NotDecoded(media,
                    $"The image declares {media.Width}x{media.Height} ({pixels:N0} pixels); images above " +
                    $"{ImageSharpGate.MaxDecodePixels:N0} pixels are not decoded, so its pixel data was not verified.",
                    pixels);
            }

            stream.Position = 0;
            try
            {
                using (SharpImage.Load<Rgba32>(ImageSharpGate.Configuration, stream))
                {
                }
            }
            catch (InvalidMemoryOperationException)
            {
                // The allocator's hard limit says "too big for us", not "broken": no corruption verdict from it.
                return NotDecoded(media,
                    $"Decoding the {media.Width}x{media.Height} image needs more than the " +
                    $"{ImageSharpGate.AllocationLimitMegabytes} MB decode memory limit, so its pixel data was not verified.",
                    pixels);
            }
            return new ProbeResult(media, []);
        }
        catch (Exception e) when (e is IOException and not EndOfStreamException or UnauthorizedAccessException)
        {
            return Unreadable(e);
        }
        catch (Exception e) when (ImageSharpGate.IsDecodeFailure(e))
        {
            return ProbeResult.Corrupt(DecodeMessage(e));
        }
    }

    private static ProbeResult NotDecoded(MediaFacts media, string message, long pixels) =>
        new(media, [Finding.Warning(
            FindingCodes.ImageTooLargeToDecode,
            message,
            actual: $"{pixels:N0} pixels",
            limit: $"{ImageSharpGate.MaxDecodePixels:N0} pixels")]);

    private static FileStream OpenRead(string path) =>
        new(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.Read, BufferSize = 0 });

    /// <summary>Header facts as displayed: EXIF orientations 5–8 turn the image a quarter, so width and height swap.</summary>
    private static (MediaFacts Media, string? Problem) Identify(Stream stream, string format)
    {
        IImageInfo? info;
        IImageFormat? detected;
        try
        {
            info = SharpImage.Identify(ImageSharpGate.Configuration, stream, out detected);
        }
        catch (Exception e) when (ImageSharpGate.IsDecodeFailure(e))
        {
            return (MediaFacts.Empty, DecodeMessage(e));
        }

        if (info is null || detected is null)
            return (MediaFacts.Empty, $"ImageSharp does not recognise the file as a {FormatName(format)} image.");

        var orientation = ReadOrientation(info);
        var quarterTurn = orientation is >= 5 and <= 8;
        var media = new MediaFacts
        {
            Width = quarterTurn ? info.Height : info.Width,
            Height = quarterTurn ? info.Width : info.Height,
            BitDepth = info.PixelType?.BitsPerPixel,
            Rotation = orientation is null ? null : RotationOf(orientation.Value),
        };
        return (media, null);
    }

    private static int? ReadOrientation(IImageInfo info)
    {
        try
        {
            var value = info.Metadata?.ExifProfile?.GetValue(ExifTag.Orientation)?.Value;
            return value is >= 1 and <= 8 ? value : null;
        }
        catch (Exception e) when (ImageSharpGate.IsDecodeFailure(e))
        {
            return null; // A damaged EXIF block only loses the orientation; the image itself is judged elsewhere.
        }
    }

    /// <summary>Clockwise degrees a viewer turns the stored image (mirrored variants turn the same way).</summary>
    private static int RotationOf(int orientation) => orientation switch
    {
        3 or 4 => 180,
        6 or 7 => 90,
        5 or 8 => 270,
        _ => 0,
    };

    private static string DecodeMessage(Exception e) => e switch
    {
        UnknownImageFormatException => $"The image format is not recognised: {e.Message}",
        _ => $"The image could not be decoded: {e.Message}",
    };

    private static string FormatName(string format) => format == KnownFormats.Png ? "PNG" : "JPEG";

    private static ProbeResult Unreadable(Exception e) =>
        new(MediaFacts.Empty, [Finding.Error(FindingCodes.FileUnreadable, $"The file could not be read: {e.Message}")]);
}
