using Preflight.Core.Formats.Id3;

namespace Preflight.Core.Formats.Mp3;

/// <summary>Why four bytes are not a frame header a walk can follow (<see cref="MpegAudioFrameHeader.Check"/>).</summary>
internal enum MpegHeaderProblem
{
    None,
    /// <summary>Fewer than 4 bytes, or not the 11 sync bits (0xFFE).</summary>
    NoSync,
    /// <summary>Version bits 01.</summary>
    ReservedVersion,
    /// <summary>Layer bits 00.</summary>
    ReservedLayer,
    /// <summary>Bitrate index 0: the frame length is not in the header (each frame must be measured).</summary>
    FreeFormat,
    /// <summary>Bitrate index 15.</summary>
    BadBitrate,
    /// <summary>Sample-rate index 3.</summary>
    ReservedSampleRate,
    /// <summary>Emphasis 10.</summary>
    ReservedEmphasis,
    /// <summary>Mode-extension bits set outside joint stereo, where they mean nothing (encoders write 0).</summary>
    ModeExtensionWithoutJointStereo,
}

/// <summary>MPEG audio channel mode (header bits 6–7 of byte 3).</summary>
internal enum MpegChannelMode
{
    Stereo = 0,
    JointStereo = 1,
    DualChannel = 2,
    Mono = 3,
}

/// <summary>
/// The one parser of the 4-byte MPEG audio frame header (MPEG-1, MPEG-2 and MPEG-2.5; Layers I, II and III): 11 sync
/// bits, version, layer, CRC flag, bitrate, sample rate, padding, channel mode. The sniffer (<c>Mp3Detector</c>),
/// the ID3v2 gap search (<c>Mp3Tags</c>), the frame walk (<c>Mp3FrameWalk</c>) and the Xing/Info reader all read
/// headers through it, so they agree on what a frame is and how long it is.
/// </summary>
/// <param name="Version">1, 2, or 25 for MPEG-2.5.</param>
/// <param name="Layer">1, 2 or 3.</param>
/// <param name="HasCrc">Protection bit 0: a 16-bit CRC follows the header.</param>
/// <param name="FrameLength">The whole frame in bytes, header and padding slot included.</param>
internal readonly record struct MpegAudioFrameHeader(
    int Version, int Layer, bool HasCrc, int BitrateKbps, int SampleRate, bool Padded, MpegChannelMode ChannelMode,
    int FrameLength)
{
    // Bitrates in kbit/s by bitrate index (0 = free format, 15 = invalid).
    private static readonly int[] Mpeg1Layer1 = [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448];
    private static readonly int[] Mpeg1Layer2 = [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384];
    private static readonly int[] Mpeg1Layer3 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    private static readonly int[] Mpeg2Layer1 = [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256];
    private static readonly int[] Mpeg2Layer23 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

    /// <summary>"MPEG-1", "MPEG-2" or "MPEG-2.5".</summary>
    public string VersionName => Version switch { 1 => "MPEG-1", 2 => "MPEG-2", _ => "MPEG-2.5" };

    /// <summary>Samples per channel in one frame: 384 (Layer I), 1152 (Layer II; Layer III of MPEG-1), 576 (Layer III of MPEG-2/2.5).</summary>
    public int SamplesPerFrame => Layer switch { 1 => 384, 2 => 1152, _ => Version == 1 ? 1152 : 576 };

    public int Channels => ChannelMode == MpegChannelMode.Mono ? 1 : 2;

    /// <summary>Layer III side information after the header (and its CRC): where a Xing/Info tag starts.</summary>
    public int SideInfoLength => Version == 1
        ? ChannelMode == MpegChannelMode.Mono ? 17 : 32
        : ChannelMode == MpegChannelMode.Mono ? 9 : 17;

    /// <summary>Parses a header whose frame length is known (free format and reserved values are refused).</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out MpegAudioFrameHeader header) =>
        Check(bytes, out header) == MpegHeaderProblem.None;

    /// <summary>Parses the first 4 bytes of <paramref name="b"/>; says what is wrong when they are no usable header.</summary>
    public static MpegHeaderProblem Check(ReadOnlySpan<byte> b, out MpegAudioFrameHeader header)
    {
        header = default;
        if (b.Length < 4 || b[0] != 0xFF || (b[1] & 0xE0) != 0xE0) return MpegHeaderProblem.NoSync;

        var versionBits = (b[1] >> 3) & 0b11;
        var layerBits = (b[1] >> 1) & 0b11;
        var bitrateIndex = b[2] >> 4;
        var sampleRateIndex = (b[2] >> 2) & 0b11;
        var channelMode = (MpegChannelMode)(b[3] >> 6);
        var modeExtension = (b[3] >> 4) & 0b11;
        if (versionBits == 0b01) return MpegHeaderProblem.ReservedVersion;
        if (layerBits == 0b00) return MpegHeaderProblem.ReservedLayer;
        if (bitrateIndex == 15) return MpegHeaderProblem.BadBitrate;
        if (bitrateIndex == 0) return MpegHeaderProblem.FreeFormat;
        if (sampleRateIndex == 3) return MpegHeaderProblem.ReservedSampleRate;
        if (modeExtension != 0 && channelMode != MpegChannelMode.JointStereo) return MpegHeaderProblem.ModeExtensionWithoutJointStereo;
        if ((b[3] & 0b11) == 0b10) return MpegHeaderProblem.ReservedEmphasis;

        var version = versionBits switch { 0b11 => 1, 0b10 => 2, _ => 25 };
        var layer = 4 - layerBits; // 11 = Layer I, 10 = Layer II, 01 = Layer III
        var kbps = (version, layer) switch
        {
            (1, 1) => Mpeg1Layer1[bitrateIndex],
            (1, 2) => Mpeg1Layer2[bitrateIndex],
            (1, _) => Mpeg1Layer3[bitrateIndex],
            (_, 1) => Mpeg2Layer1[bitrateIndex],
            _ => Mpeg2Layer23[bitrateIndex],
        };
        var baseRate = sampleRateIndex switch { 0 => 44100, 1 => 48000, _ => 32000 };
        var sampleRate = version switch { 1 => baseRate, 2 => baseRate / 2, _ => baseRate / 4 };
        var padding = (b[2] >> 1) & 1;
        var bitrate = kbps * 1000;
        // Layer I counts 4-byte slots (384 samples = 12 slots per bit/s / rate); Layers II and III count bytes
        // (samples / 8 per bit/s / rate): 144 for 1152 samples, 72 for MPEG-2/2.5 Layer III's 576.
        var length = layer == 1
            ? (12 * bitrate / sampleRate + padding) * 4
            : (layer == 3 && version != 1 ? 72 : 144) * bitrate / sampleRate + padding;
        header = new MpegAudioFrameHeader(version, layer, (b[1] & 1) == 0, kbps, sampleRate, padding == 1, channelMode, length);
        return MpegHeaderProblem.None;
    }

    /// <summary>
    /// A following frame of the same stream keeps version, layer and sample rate (bitrate may vary: VBR; padding
    /// and channel mode may vary too).
    /// </summary>
    public bool Continues(MpegAudioFrameHeader next) =>
        next.Version == Version && next.Layer == Layer && next.SampleRate == SampleRate;

    /// <summary>Frames needed in a row before bytes found by searching count as audio: two chained headers are found by chance in a few MB of random data, three practically never.</summary>
    public const int SearchChain = 3;

    /// <summary>
    /// The offset in <paramref name="window"/> (read at <paramref name="windowStart"/>) of the first Layer III header
    /// that starts a chain of <see cref="SearchChain"/> frames (checked with <paramref name="readAt"/>), or -1.
    /// A chain may be shorter only when the data ends right after it.
    /// </summary>
    public static int FindChained(ReadOnlySpan<byte> window, long windowStart, long dataEnd, ReadBytesAt readAt)
    {
        for (var i = 0; i + 4 <= window.Length; i++)
        {
            if (window[i] != 0xFF || !TryParse(window[i..], out var first) || first.Layer != 3) continue;
            if (IsChained(windowStart + i, dataEnd, readAt)) return i;
        }
        return -1;
    }

    /// <summary>
    /// Whether <see cref="SearchChain"/> frames chain from <paramref name="offset"/>, or fewer that end exactly at
    /// <paramref name="dataEnd"/> (a file of two frames).
    /// </summary>
    public static bool IsChained(long offset, long dataEnd, ReadBytesAt readAt)
    {
        Span<byte> bytes = stackalloc byte[4];
        if (readAt(offset, bytes) < 4 || !TryParse(bytes, out var first)) return false;
        var next = offset + first.FrameLength;
        for (var count = 1; count < SearchChain; count++)
        {
            if (next == dataEnd) return count >= 2;
            if (readAt(next, bytes) < 4 || !TryParse(bytes, out var header) || !first.Continues(header)) return false;
            next += header.FrameLength;
        }
        return true;
    }
}

/// <summary>A parsed ADTS header (raw AAC): 12 sync bits, layer 00, profile, sample rate, channels, frame length.</summary>
internal readonly record struct AdtsFrameHeader(int MpegVersion, int Profile, int SampleRateIndex, int ChannelConfig, int FrameLength)
{
    private static readonly int[] SampleRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    public int SampleRate => SampleRates[SampleRateIndex];

    public static bool TryParse(ReadOnlySpan<byte> b, out AdtsFrameHeader header)
    {
        header = default;
        if (b.Length < 7 || b[0] != 0xFF || (b[1] & 0xF6) != 0xF0) return false; // sync 0xFFF and layer 00

        var protectionAbsent = b[1] & 1;
        var profile = b[2] >> 6;
        var sampleRateIndex = (b[2] >> 2) & 0x0F;
        var channelConfig = ((b[2] & 1) << 2) | (b[3] >> 6);
        var frameLength = ((b[3] & 0x03) << 11) | (b[4] << 3) | (b[5] >> 5);
        var headerLength = protectionAbsent == 1 ? 7 : 9;
        if (sampleRateIndex >= SampleRates.Length || frameLength <= headerLength) return false;

        header = new AdtsFrameHeader((b[1] & 0x08) == 0 ? 4 : 2, profile, sampleRateIndex, channelConfig, frameLength);
        return true;
    }

    public bool Continues(AdtsFrameHeader next) =>
        next.MpegVersion == MpegVersion && next.Profile == Profile && next.SampleRateIndex == SampleRateIndex
        && next.ChannelConfig == ChannelConfig;
}
