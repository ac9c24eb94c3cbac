using Preflight.Core.Probing;

namespace Preflight.Core.Formats.Mp3;

/// <summary>MP3: the in-process frame walk; a full ffmpeg decode when deep.</summary>
internal sealed class Mp3FormatProber : IFormatProber
{
    public static Mp3FormatProber Instance { get; } = new();

    private readonly Mp3Prober _reader = new();

    public async Task<ProbeResult> ProbeAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        var quick = _reader.Probe(request.Path);
        return request.Deep && !quick.HasErrors
            ? quick.WithFindings(await request.MediaTools.DecodeAsync(request.Path, request.Format, cancellationToken))
            : quick;
    }
}
