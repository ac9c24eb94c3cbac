
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

    /// <summary>For a truncated data chunk: the format (when its chunk came first) and the data size the header declares.</summary>
    public WavFormat? TruncatedFormat { get; init; }
    public long? DeclaredDataLength { get; init; }

    /// <summary>How long the audio would be had it not been cut off (PCM-like formats only), else null.</summary>
    public double? DeclaredSeconds => TruncatedFormat is { AverageBytesPerSecond: > 0 } f && DeclaredDataLength is { } bytes
        ? bytes / (double)f.AverageBytesPerSecond
        : null;

    /// <summary>
    /// The RIFF (or ds64) size disagrees with the complete fmt and data chunks it frames: the audio is intact, a reader
    /// that trusts the size field may still see none. A warning, not corruption (issue 10, defect 8).
    /// </summary>
    public string? HeaderMismatch { get; init; }

    public static WavWalkResult Corrupt(string message) => new(null, message);
}
