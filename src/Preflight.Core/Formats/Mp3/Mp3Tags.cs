using System.Buffers.Binary;
using Preflight.Core.Formats.Id3;

namespace Preflight.Core.Formats.Mp3;

/// <summary>Finds where the MPEG audio lies between the tags MP3 files carry at either end.</summary>
internal static class Mp3Tags
{
    /// <summary>
    /// Skips the ID3v2 tags at the start (<see cref="Id3v2Tags"/>, the reader the sniffer uses too). Returns the offset
    /// of the audio, or the offset of the damaged tag with a reason when a tag is invalid or runs past the end of the file.
    /// </summary>
    public static (long Offset, string? Problem) SkipId3v2(Stream stream)
    {
        var chain = Id3v2Tags.Skip((offset, destination) =>
        {
            if (offset >= stream.Length) return 0;
            stream.Position = offset;
            return stream.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        }, stream.Length);
        return chain.Problem is null ? (chain.AudioStart, null) : (0, chain.Problem);
    }

    /// <summary>
    /// Where the audio really starts when it does not start where the ID3v2 tag(s) say (bytes inserted into a tag, a
    /// wrong size field): the first Layer III frame of a chain (<see cref="MpegAudioFrameHeader.FindChained"/>, so a
    /// sync pattern in random bytes is not taken for audio) within <see cref="Mp3Detector.MaxGapAfterTag"/> bytes.
    /// Null when a frame header sits right where the tag ends (the walk reports what follows) or when no chain is found.
    /// Zero bytes in the gap are no exception: padding the tag's size does not count looks the same as zeros inserted
    /// into the tag, and either way the tag's size is wrong.
    /// </summary>
    public static long? GapAfterTag(Stream stream, long audioStart, long audioEnd)
    {
        var window = new byte[(int)Math.Min(Mp3Detector.MaxGapAfterTag + 4, Math.Max(0, audioEnd - audioStart))];
        if (window.Length < 4 || !Read(stream, audioStart, window) || MpegAudioFrameHeader.TryParse(window, out _)) return null;
        var at = MpegAudioFrameHeader.FindChained(window, audioStart, audioEnd, (offset, destination) =>
        {
            var length = (int)Math.Clamp(audioEnd - offset, 0, destination.Length);
            return Read(stream, offset, destination[..length]) ? length : 0;
        });
        return at > 0 ? audioStart + at : null;
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
