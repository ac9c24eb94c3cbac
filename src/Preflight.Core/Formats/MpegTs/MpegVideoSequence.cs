namespace Preflight.Core.Formats.MpegTs;

/// <summary>
/// An MPEG-1/MPEG-2 video sequence header (ISO/IEC 13818-2 6.2.2.1) and, for MPEG-2, its sequence extension:
/// ffmpeg names the stream mpeg2video when the extension follows the header, mpeg1video when it does not.
/// </summary>
internal sealed record MpegVideoSequence(string Codec, int Width, int Height, int RateNumerator, int RateDenominator)
{
    private static readonly (int Num, int Den)[] FrameRates =
        [(0, 0), (24000, 1001), (24, 1), (25, 1), (30000, 1001), (30, 1), (50, 1), (60000, 1001), (60, 1)];

    /// <summary>The first sequence header in an MPEG video elementary stream, or null when none is complete.</summary>
    public static MpegVideoSequence? Find(ReadOnlySpan<byte> es)
    {
        for (var at = StartCodes.Next(es, 0); at >= 0; at = StartCodes.Next(es, at))
        {
            if (at < es.Length && es[at] == 0xB3) return Parse(es[(at + 1)..]);
        }
        return null;
    }

    private static MpegVideoSequence? Parse(ReadOnlySpan<byte> b)
    {
        if (b.Length < 8) return null;
        var width = (b[0] << 4) | (b[1] >> 4);
        var height = ((b[1] & 0x0F) << 8) | b[2];
        var rateCode = b[3] & 0x0F;
        if (width == 0 || height == 0 || rateCode == 0 || rateCode >= FrameRates.Length) return null;

        // After bit_rate, marker and vbv_buffer_size: constrained flag, then up to two 64-byte quantiser matrices.
        var length = (b[7] & 0x02) != 0 ? 72 : 8;
        if (b.Length < length) return null;
        if ((b[length - 1] & 0x01) != 0) length += 64;
        if (b.Length < length) return null;

        // The next start code decides MPEG-1 or MPEG-2; without one the head ended too soon to say.
        var next = StartCodes.Next(b, length);
        if (next < 0 || next + 6 >= b.Length) return null;
        var (num, den) = FrameRates[rateCode];
        var ext = b[next..];
        if (ext[0] != 0xB5 || (ext[1] >> 4) != 1)
            return new MpegVideoSequence("mpeg1video", width, height, num, den);

        width |= ((ext[2] & 0x01) << 13) | ((ext[3] >> 7) << 12);
        height |= ((ext[3] >> 5) & 0x03) << 12;
        var rateN = ((ext[6] >> 5) & 0x03) + 1;
        var rateD = (ext[6] & 0x1F) + 1;
        return new MpegVideoSequence("mpeg2video", width, height, num * rateN, den * rateD);
    }
}
