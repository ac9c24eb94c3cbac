using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Memory;

namespace Preflight.Core.Formats.Image;

/// <summary>
/// The one ImageSharp configuration Preflight uses. Only the PNG and JPEG modules are registered, so the decoders
/// with open advisories (TIFF, BMP, GIF, WebP, …) are unreachable whatever the bytes claim to be, and the allocator
/// has a hard limit so a hostile header cannot make a decode take the process down.
/// </summary>
internal static class ImageSharpGate
{
    /// <summary>
    /// Whether an exception out of an ImageSharp decode is a verdict on the file. The decoders throw whatever a hostile
    /// file trips (seen: NullReferenceException on damaged JPEG scans, InvalidDataException from zlib, ArgumentException,
    /// IndexOutOfRangeException and DivideByZeroException on damaged WebP/BMP/GIF), so every exception is; cancellation
    /// and a process-wide out-of-memory are not: those escape.
    /// </summary>
    public static bool IsDecodeFailure(Exception e) => e is not (OperationCanceledException or OutOfMemoryException);

    /// <summary>The most one decode may allocate (the pixel buffer plus the decoder's working buffers).</summary>
    public const int AllocationLimitMegabytes = 512;

    /// <summary>
    /// Images above this many pixels are never fully decoded: 64 MP (e.g. 8000x8000, beyond any current camera's
    /// 50 MP) is 256 MB as RGBA32, which leaves a JPEG decoder's component buffers room under the allocation limit.
    /// The profile's resolution limit fails anything that large anyway; decoding it would only cost memory.
    /// </summary>
    public const long MaxDecodePixels = 64_000_000;

    public static Configuration Configuration { get; } = Create();

    private static Configuration Create()
    {
        var configuration = new Configuration(new PngConfigurationModule(), new JpegConfigurationModule())
        {
            MemoryAllocator = MemoryAllocator.Create(new MemoryAllocatorOptions
            {
                AllocationLimitMegabytes = AllocationLimitMegabytes,
            }),
        };
        return configuration;
    }
}
