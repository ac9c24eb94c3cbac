namespace Preflight.Core.Formats.Gif;

/// <summary>A walk over a GIF's blocks (GIF89a specification, sections 17–27) that decodes no pixel.</summary>
internal static class GifBlocks
{
    /// <summary>
    /// How many frames a GIF holds, by walking its blocks (no pixel is decoded); null when it has none or the walk
    /// cannot start. Every step reads at least one byte, so the walk ends at the end of the file at the latest.
    /// </summary>
    public static int? FrameCount(Stream stream)
    {
        stream.Position = 0;
        Span<byte> header = stackalloc byte[13];
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
            return null;
        SkipColorTable(stream, header[10]);
        Span<byte> descriptor = stackalloc byte[9];
        var frames = 0;
        while (true)
        {
            switch (stream.ReadByte())
            {
                case 0x2C: // image descriptor: position and size (8 bytes), flags, then the LZW code size and the data
                    frames++;
                    if (stream.ReadAtLeast(descriptor, descriptor.Length, throwOnEndOfStream: false) < descriptor.Length)
                        return frames;
                    SkipColorTable(stream, descriptor[8]);
                    stream.ReadByte();
                    SkipSubBlocks(stream);
                    break;
                case 0x21: // extension: its label, then its sub-blocks
                    stream.ReadByte();
                    SkipSubBlocks(stream);
                    break;
                default: // the trailer (0x3B), the end of the file, or bytes that are no block
                    return frames > 0 ? frames : null;
            }
        }
    }

    private static void SkipColorTable(Stream stream, byte flags)
    {
        if ((flags & 0x80) != 0)
            stream.Seek(3 << ((flags & 7) + 1), SeekOrigin.Current);
    }

    private static void SkipSubBlocks(Stream stream)
    {
        int length;
        while ((length = stream.ReadByte()) > 0)
            stream.Seek(length, SeekOrigin.Current);
    }
}
