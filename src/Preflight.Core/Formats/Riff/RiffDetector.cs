using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Riff;

/// <summary>RIFF containers (AVI, WAVE, WebP) by form type at offset 8, plus WAVE's 64-bit variants RF64 and BW64.</summary>
internal sealed class RiffDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var head = context.Head;
        if (head.Length < 12) return null;
        var id = Bytes.FourCc(head, 0);
        if (id is not ("RIFF" or "RF64" or "BW64")) return null;

        var form = Bytes.FourCc(head, 8);
        var basis = $"'{id}' header with form type '{form}' at offset 8";
        return (id, form) switch
        {
            (_, "WAVE") => Sniffed.As(KnownFormats.Wav, basis),
            ("RIFF", "AVI ") => Sniffed.As(KnownFormats.Avi, basis),
            ("RIFF", "WEBP") => Sniffed.As(KnownFormats.Webp, basis),
            _ => SniffResult.Unknown($"'{id}' container with unsupported form type '{form}' at offset 8"),
        };
    }
}
