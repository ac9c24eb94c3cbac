using Preflight.Core.Probing;

namespace Preflight.Core.Formats.Wav;

/// <summary>WAV: the in-process RIFF walk; a full ffmpeg decode when deep.</summary>
internal sealed class WavFormatProber : IFormatProber
{
    public static WavFormatProber Instance { get; } = new();

    private readonly WavProber _reader = new();

    public async Task<ProbeResult> ProbeAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        var quick = _reader.Probe(request.Path, request.FileName);
        return request.Deep && !quick.HasErrors
            ? quick.WithFindings(await request.MediaTools.DecodeAsync(request.Path, request.Format, cancellationToken))
            : quick;
    }
}
