using System.Buffers.Binary;

namespace Preflight.Core.Formats.Mp3;

/// <summary>Finds where the MPEG audio lies between the tags MP3 files carry at either end.</summary>
internal static class Mp3Tags
{
    /// <summary>
    /// Skips every ID3v2 tag at the start (size is syncsafe; a footer adds 10 bytes). Returns the offset of the audio,
    /// or null with a reason when a tag is damaged or runs past the end of the file.
    /// </summary>
    public static (long Offset, string? Problem) SkipId3v2(Stream stream)
    {
        long position = 0;
        Span<byte> header = stackalloc byte[10];
        while (Read(stream, position, header) && header[..3].SequenceEqual("ID3"u8))
        {
            if ((header[6] | header[7] | header[8] | header[9]) >= 0x80)
                return (position, $"ID3v2 tag at offset {position} has an invalid size field: the file is damaged.");
            var size = (header[6] << 21) | (header[7] << 14) | (header[8] << 7) | header[9];
            var hasFooter = (header[5] & 0x10) != 0;
            var end = position + 10 + size + (hasFooter ? 10 : 0);
            if (end > stream.Length)
            {
                return (position,
                    $"ID3v2 tag at offset {position} declares {size:N0} bytes but the file ends first: the file is truncated.");
            }
            position = end;
        }
        return (position, null);
    }

    /// <summary>
    /// The end of the audio: the file length minus an ID3v1 tag ("TAG", 128 bytes), an APEv2 tag ("APETAGEX" footer)
    /// and a Lyrics3v2 tag ("LYRICS200"), in any order they are stacked.
    /// </summary>
    public static long AudioEnd(Stream stream, long audioStart)
    {
        var end = stream.Length;
        Span<byte> buffer = stackalloc byte[32];
        for (var changed = true; changed;)
        {
            changed = false;
            if (end - 128 >= audioStart && Read(stream, end - 128, buffer[..3]) && buffer[..3].SequenceEqual("TAG"u8))
            {
                end -= 128;
                changed = true;
            }
            if (end - 32 >= audioStart && Read(stream, end - 32, buffer) && buffer[..8].SequenceEqual("APETAGEX"u8))
            {
                var size = BinaryPrimitives.ReadUInt32LittleEndian(buffer[12..]);
                var flags = BinaryPrimitives.ReadUInt32LittleEndian(buffer[20..]);
                var total = size + ((flags & 0x80000000u) != 0 ? 32L : 0L);
                if (total >= 32 && end - total >= audioStart)
                {
                    end -= total;
                    changed = true;
                }
            }
            if (end - 15 >= audioStart && Read(stream, end - 15, buffer[..15]) && buffer[6..15].SequenceEqual("LYRICS200"u8)
                && int.TryParse(buffer[..6], System.Globalization.NumberStyles.None, null, out var lyrics)
                && end - 15 - lyrics >= audioStart)
            {
                end -= 15 + lyrics;
                changed = true;
            }
        }
        return end;
    }

    private static bool Read(Stream stream, long offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > stream.Length) return false;
        stream.Position = offset;
        stream.ReadExactly(destination);
        return true;
    }
}
