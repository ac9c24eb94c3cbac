using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Wav;

/// <summary>WAV audio (RIFF/WAVE, RF64, BW64). Detected by the RIFF detector in Formats/Riff.</summary>
internal static class WavFormats
{
    public static FormatDeclaration Wav { get; } = new(
        KnownFormats.Wav, "WAV audio", AssetKind.Audio, "audio/wav",
        Extensions: [".wav"],
        ClaimedBy: ["audio/wav", "audio/x-wav", "audio/wave", "audio/vnd.wave"])
    {
        Prober = WavFormatProber.Instance,
        Ffmpeg = new("wav", "wav", "input.wav"),
    };
}
