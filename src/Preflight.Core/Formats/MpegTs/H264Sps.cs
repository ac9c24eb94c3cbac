namespace Preflight.Core.Formats.MpegTs;

/// <summary>
/// The picture size and frame rate an H.264 sequence parameter set declares (ITU-T H.264 7.3.2.1.1 and E.1.1),
/// cropped as ffmpeg crops it. Refuses (null) what it cannot size exactly as ffprobe does.
/// </summary>
internal sealed record H264Sps(int Width, int Height, int? RateNumerator, int? RateDenominator)
{
    private const int MaxSide = 16384;

    /// <summary>Finds the first SPS NAL unit (type 7) in an Annex B byte stream and reads it.</summary>
    public static H264Sps? Find(ReadOnlySpan<byte> annexB)
    {
        for (var at = StartCodes.Next(annexB, 0); at >= 0; at = StartCodes.Next(annexB, at))
        {
            if (at >= annexB.Length || (annexB[at] & 0x1F) != 7) continue;
            var end = StartCodes.Next(annexB, at);
            // Without the next start code the SPS may be cut off by the head's end: not sure, so not read.
            if (end < 0) return null;
            return Parse(Unescape(annexB[(at + 1)..(end - 3)]));
        }
        return null;
    }

    /// <summary>The RBSP (emulation-prevention bytes 00 00 03 removed) after the NAL header byte.</summary>
    internal static H264Sps? Parse(ReadOnlySpan<byte> rbsp)
    {
        var r = new BitReader(rbsp);
        var profile = r.Bits(8);
        r.Bits(16); // constraint flags, level
        r.Ue(); // seq_parameter_set_id
        var chromaFormat = 1;
        var separatePlanes = false;
        if (profile is 100 or 110 or 122 or 244 or 44 or 83 or 86 or 118 or 128 or 138 or 139 or 134 or 135)
        {
            chromaFormat = (int)r.Ue();
            if (chromaFormat > 3) return null;
            if (chromaFormat == 3) separatePlanes = r.Bit();
            r.Ue(); // bit_depth_luma_minus8
            r.Ue(); // bit_depth_chroma_minus8
            r.Bit(); // qpprime_y_zero_transform_bypass_flag
            if (r.Bit())
            {
                for (var i = 0; i < (chromaFormat != 3 ? 8 : 12) && !r.Failed; i++)
                {
                    if (r.Bit()) SkipScalingList(ref r, i < 6 ? 16 : 64);
                }
            }
        }
        r.Ue(); // log2_max_frame_num_minus4
        var pocType = r.Ue();
        if (pocType == 0)
        {
            r.Ue();
        }
        else if (pocType == 1)
        {
            r.Bit();
            r.Se();
            r.Se();
            var cycle = r.Ue();
            if (cycle > 255) return null;
            for (var i = 0u; i < cycle && !r.Failed; i++) r.Se();
        }
        else if (pocType != 2)
        {
            return null;
        }
        r.Ue(); // max_num_ref_frames
        r.Bit(); // gaps_in_frame_num_value_allowed_flag
        var widthMbs = r.Ue() + 1;
        var heightUnits = r.Ue() + 1;
        var frameMbsOnly = r.Bit();
        if (!frameMbsOnly) r.Bit(); // mb_adaptive_frame_field_flag
        r.Bit(); // direct_8x8_inference_flag
        uint cropLeft = 0, cropRight = 0, cropTop = 0, cropBottom = 0;
        if (r.Bit())
        {
            cropLeft = r.Ue();
            cropRight = r.Ue();
            cropTop = r.Ue();
            cropBottom = r.Ue();
        }
        int? rateNum = null, rateDen = null;
        if (r.Bit() && ReadVuiTiming(ref r) is ({ } units, { } scale))
        {
            // ffmpeg: one frame is two ticks (ticks_per_frame = 2).
            var den = 2L * units;
            if (den <= int.MaxValue && scale > 0)
                (rateNum, rateDen) = ((int)scale, (int)den);
        }
        if (r.Failed || widthMbs > MaxSide / 16 || heightUnits > MaxSide / 16) return null;
        // ffmpeg rounds a left or top crop to its own alignment on some builds: not sure, so not read.
        if (cropLeft != 0 || cropTop != 0) return null;

        var cropUnitX = chromaFormat is 1 or 2 && !separatePlanes ? 2L : 1L;
        var cropUnitY = (chromaFormat == 1 && !separatePlanes ? 2L : 1L) * (frameMbsOnly ? 1 : 2);
        var width = widthMbs * 16L - cropUnitX * cropRight;
        var height = heightUnits * 16L * (frameMbsOnly ? 1 : 2) - cropUnitY * cropBottom;
        if (width <= 0 || height <= 0 || height > MaxSide) return null;
        return new H264Sps((int)width, (int)height, rateNum, rateDen);
    }

    private static (uint?, uint?) ReadVuiTiming(ref BitReader r)
    {
        if (r.Bit() && r.Bits(8) == 255) r.Bits(32); // aspect_ratio_idc, Extended_SAR
        if (r.Bit()) r.Bit(); // overscan
        if (r.Bit())
        {
            r.Bits(4); // video_format, video_full_range_flag
            if (r.Bit()) r.Bits(24); // colour description
        }
        if (r.Bit())
        {
            r.Ue();
            r.Ue();
        }
        if (!r.Bit()) return (null, null);
        var units = r.Bits(32);
        var scale = r.Bits(32);
        return units == 0 || scale == 0 || scale > int.MaxValue ? (null, null) : (units, scale);
    }

    private static void SkipScalingList(ref BitReader r, int size)
    {
        int last = 8, next = 8;
        for (var j = 0; j < size && !r.Failed; j++)
        {
            if (next != 0)
                next = (last + r.Se() + 256) % 256;
            last = next == 0 ? last : next;
        }
    }

    private static byte[] Unescape(ReadOnlySpan<byte> nal)
    {
        var output = new byte[nal.Length];
        var length = 0;
        var zeros = 0;
        foreach (var b in nal)
        {
            if (zeros >= 2 && b == 3)
            {
                zeros = 0;
                continue;
            }
            output[length++] = b;
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return output[..length];
    }

    /// <summary>An MSB-first bit reader that never throws: reading past the end sets <see cref="Failed"/> and gives zeros.</summary>
    private ref struct BitReader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private long _bit;

        public bool Failed { get; private set; }

        public bool Bit()
        {
            if (_bit >= _data.Length * 8L)
            {
                Failed = true;
                return false;
            }
            var value = (_data[(int)(_bit >> 3)] >> (7 - (int)(_bit & 7))) & 1;
            _bit++;
            return value == 1;
        }

        public uint Bits(int count)
        {
            uint value = 0;
            for (var i = 0; i < count; i++) value = (value << 1) | (Bit() ? 1u : 0u);
            return value;
        }

        /// <summary>Unsigned Exp-Golomb; more than 31 leading zeros is malformed.</summary>
        public uint Ue()
        {
            var zeros = 0;
            while (!Bit())
            {
                if (Failed || ++zeros > 31)
                {
                    Failed = true;
                    return 0;
                }
            }
            return (uint)((1UL << zeros) - 1 + Bits(zeros));
        }

        public int Se()
        {
            var k = Ue();
            return (k & 1) == 1 ? (int)((k + 1) / 2) : -(int)(k / 2);
        }
    }
}

/// <summary>Annex B / MPEG video start codes (00 00 01).</summary>
internal static class StartCodes
{
    /// <summary>The index just after the next 00 00 01 at or after <paramref name="from"/>, or -1.</summary>
    public static int Next(ReadOnlySpan<byte> data, int from)
    {
        for (var i = Math.Max(from, 0); i + 2 < data.Length; i++)
        {
            if (data[i + 2] > 1) i += 2;
            else if (data[i] == 0 && data[i + 1] == 0 && data[i + 2] == 1) return i + 3;
        }
        return -1;
    }
}
