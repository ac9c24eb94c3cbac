using System.Buffers.Binary;

namespace Preflight.Core.Formats.Mp3;

/// <summary>
/// The Xing/Info (or Fraunhofer VBRI) header some encoders put in the first frame: a frame that holds no audio,
/// the declared frame count, and LAME's encoder delay and padding (samples to drop at either end).
/// </summary>
internal sealed record XingInfo(string Tag, long? DeclaredFrames, int EncoderDelay, int Padding)
{
    /// <summary>
    /// Whether <see cref="DeclaredFrames"/> counts exactly the audio frames after this one: LAME and ffmpeg (whose tag
    /// starts "LAME" or "Lav") write it so. Other encoders disagree on counting the header frame itself.
    /// </summary>
    public bool CountsAudioFramesExactly { get; init; }

    /// <summary>The tag in a Layer III frame (<paramref name="data"/>: the whole frame, header included), or null.</summary>
    public static XingInfo? Read(MpegAudioFrameHeader frame, ReadOnlySpan<byte> data)
    {
        if (frame.Layer != 3) return null;

        // The tag follows the side information; with a CRC two more bytes come first (some writers skip them).
        var afterSideInfo = 4 + frame.SideInfoLength;
        foreach (var offset in (ReadOnlySpan<int>)[afterSideInfo, afterSideInfo + (frame.HasCrc ? 2 : 0)])
        {
            if (offset + 8 > data.Length) continue;
            var tag = data.Slice(offset, 4);
            if (tag.SequenceEqual("Xing"u8) || tag.SequenceEqual("Info"u8))
                return ReadXing(data, offset, System.Text.Encoding.ASCII.GetString(tag));
        }

        const int vbriOffset = 4 + 32;
        if (vbriOffset + 18 <= data.Length && data.Slice(vbriOffset, 4).SequenceEqual("VBRI"u8))
            return new XingInfo("VBRI", BinaryPrimitives.ReadUInt32BigEndian(data[(vbriOffset + 14)..]), 0, 0);
        return null;
    }

    private static XingInfo ReadXing(ReadOnlySpan<byte> data, int offset, string tag)
    {
        var flags = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(offset + 4));
        var cursor = offset + 8;
        long? frames = null;
        if ((flags & 1) != 0 && cursor + 4 <= data.Length)
        {
            frames = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(cursor));
            cursor += 4;
        }
        if ((flags & 2) != 0) cursor += 4;   // byte count
        if ((flags & 4) != 0) cursor += 100; // seek table
        if ((flags & 8) != 0) cursor += 4;   // quality

        // LAME extension: 9-byte encoder string, then delay (12 bits) and padding (12 bits) at byte 21.
        int delay = 0, padding = 0;
        var exact = false;
        if (cursor + 24 <= data.Length && IsEncoderName(data.Slice(cursor, 4)))
        {
            delay = (data[cursor + 21] << 4) | (data[cursor + 22] >> 4);
            padding = ((data[cursor + 22] & 0x0F) << 8) | data[cursor + 23];
            exact = data.Slice(cursor, 4).SequenceEqual("LAME"u8) || data.Slice(cursor, 3).SequenceEqual("Lav"u8);
        }
        return new XingInfo(tag, frames is 0 ? null : frames, delay, padding) { CountsAudioFramesExactly = exact };
    }

    private static bool IsEncoderName(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
        {
            if (!char.IsAsciiLetterOrDigit((char)b) && b != '.') return false;
        }
        return true;
    }
}
