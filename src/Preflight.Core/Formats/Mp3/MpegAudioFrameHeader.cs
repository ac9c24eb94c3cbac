using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Mp3;

/// <summary>
/// A parsed MPEG audio (Layer III) frame header: 11 sync bits, version, layer, bitrate, sample rate, padding.
/// Only the fields that decide where the next frame starts, and whether it belongs to the same stream.
/// </summary>
internal readonly record struct MpegAudioFrameHeader(int Version, int SampleRate, int BitrateKbps, int FrameLength)
{
    private static readonly int[] Mpeg1Layer3Kbps = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    private static readonly int[] Mpeg2Layer3Kbps = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

    /// <summary>"MPEG-1", "MPEG-2" or "MPEG-2.5".</summary>
    public string VersionName => Version switch { 1 => "MPEG-1", 2 => "MPEG-2", _ => "MPEG-2.5" };

    /// <summary>Parses a Layer III header; free-format (bitrate 0) and reserved values are refused.</summary>
    public static bool TryParse(ReadOnlySpan<byte> b, out MpegAudioFrameHeader header)
    {
        header = default;
        if (b.Length < 4 || b[0] != 0xFF || (b[1] & 0xE0) != 0xE0) return false;

        var versionBits = (b[1] >> 3) & 0b11;
        var layerBits = (b[1] >> 1) & 0b11;
        var bitrateIndex = b[2] >> 4;
        var sampleRateIndex = (b[2] >> 2) & 0b11;
        var padding = (b[2] >> 1) & 1;
        var emphasis = b[3] & 0b11;
        if (versionBits == 0b01 || layerBits != 0b01) return false; // reserved version; not Layer III
        if (bitrateIndex is 0 or 15 || sampleRateIndex == 3 || emphasis == 0b10) return false;

        var version = versionBits switch { 0b11 => 1, 0b10 => 2, _ => 25 };
        var baseRate = sampleRateIndex switch { 0 => 44100, 1 => 48000, _ => 32000 };
        var sampleRate = version switch { 1 => baseRate, 2 => baseRate / 2, _ => baseRate / 4 };
        var kbps = version == 1 ? Mpeg1Layer3Kbps[bitrateIndex] : Mpeg2Layer3Kbps[bitrateIndex];
        // Layer III frames hold 1152 samples (MPEG-1) or 576 (MPEG-2/2.5): bytes = samples/8 * bitrate / rate.
        var samplesOver8 = version == 1 ? 144 : 72;
        var length = samplesOver8 * kbps * 1000 / sampleRate + padding;
        header = new MpegAudioFrameHeader(version, sampleRate, kbps, length);
        return true;
    }

    /// <summary>A following frame of the same stream keeps version and sample rate (bitrate may vary: VBR).</summary>
    public bool Continues(MpegAudioFrameHeader next) => next.Version == Version && next.SampleRate == SampleRate;
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
