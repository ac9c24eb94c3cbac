namespace Preflight.Core.Formats.Mp2;

/// <summary>
/// A parsed MPEG audio Layer II frame header (MPEG-1 or MPEG-2 LSF): the fields that decide where the next frame
/// starts and whether it belongs to the same stream. The Layer II twin of <c>Formats/Mp3/MpegAudioFrameHeader</c>,
/// which reads Layer III only; the two belong in one MPEG audio header parser once that one takes a layer.
/// </summary>
internal readonly record struct Mp2FrameHeader(int Version, int SampleRate, int BitrateKbps, int FrameLength)
{
    private static readonly int[] Mpeg1Layer2Kbps = [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384];
    private static readonly int[] Mpeg2Layer2Kbps = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

    /// <summary>"MPEG-1" or "MPEG-2".</summary>
    public string VersionName => Version == 1 ? "MPEG-1" : "MPEG-2";

    /// <summary>Parses a Layer II header; free format (bitrate 0), MPEG-2.5 (not defined for Layer II) and reserved values are refused.</summary>
    public static bool TryParse(ReadOnlySpan<byte> b, out Mp2FrameHeader header)
    {
        header = default;
        if (b.Length < 4 || b[0] != 0xFF || (b[1] & 0xE0) != 0xE0) return false;

        var versionBits = (b[1] >> 3) & 0b11;
        var layerBits = (b[1] >> 1) & 0b11;
        var bitrateIndex = b[2] >> 4;
        var sampleRateIndex = (b[2] >> 2) & 0b11;
        var padding = (b[2] >> 1) & 1;
        var emphasis = b[3] & 0b11;
        if (versionBits is not (0b11 or 0b10) || layerBits != 0b10) return false; // MPEG-1/2 only; Layer II is '10'
        if (bitrateIndex is 0 or 15 || sampleRateIndex == 3 || emphasis == 0b10) return false;

        var version = versionBits == 0b11 ? 1 : 2;
        var baseRate = sampleRateIndex switch { 0 => 44100, 1 => 48000, _ => 32000 };
        var sampleRate = version == 1 ? baseRate : baseRate / 2;
        var kbps = version == 1 ? Mpeg1Layer2Kbps[bitrateIndex] : Mpeg2Layer2Kbps[bitrateIndex];
        // Layer II frames hold 1152 samples in both versions: bytes = 1152/8 * bitrate / rate (+1 when padded).
        var length = 144 * kbps * 1000 / sampleRate + padding;
        header = new Mp2FrameHeader(version, sampleRate, kbps, length);
        return true;
    }

    /// <summary>A following frame of the same stream keeps version and sample rate.</summary>
    public bool Continues(Mp2FrameHeader next) => next.Version == Version && next.SampleRate == SampleRate;
}
