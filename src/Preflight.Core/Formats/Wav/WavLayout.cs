
namespace Preflight.Core.Formats.Wav;

/// <summary>The fmt chunk as declared (WAVE_FORMAT_EXTENSIBLE resolved to its sub-format tag).</summary>
internal sealed record WavFormat(
    int FormatTag,
    int Channels,
    int SampleRate,
    long AverageBytesPerSecond,
    int BlockAlign,
    int BitsPerSample,
    bool Extensible);

/// <summary>What the RIFF walk found: the format, where the audio is, and how the file is wrapped.</summary>
internal sealed record WavLayout(string Container, WavFormat Format, long DataOffset, long DataLength, long? FactSampleCount);

/// <summary>Either a layout or the reason the file is corrupt.</summary>
internal sealed record WavWalkResult(WavLayout? Layout, string? Corruption)
{
    /// <summary>The data size is 0xFFFFFFFF, the "length unknown" value a writer streaming to a pipe leaves behind.</summary>
    public bool LengthUnknown { get; init; }

    public static WavWalkResult Corrupt(string message) => new(null, message);
}
