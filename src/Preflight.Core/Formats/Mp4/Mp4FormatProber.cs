using Preflight.Core.Probing;

namespace Preflight.Core.Formats.Mp4;

/// <summary>ISO BMFF files: the in-process box reader, ffprobe where it cannot answer, a full decode when deep.</summary>
internal sealed class Mp4FormatProber : IFormatProber
{
    public static Mp4FormatProber Instance { get; } = new();

    private readonly Mp4Prober _reader = new();

    public async Task<ProbeResult> ProbeAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        var quick = _reader.Probe(request.Path, request.FileName);
        if (quick.NeedsFfprobe && !quick.HasErrors && !request.InProcessOnly)
            quick = ProbeResult.Merge(quick, await request.MediaTools.ProbeAsync(request.Path, request.Format, cancellationToken));
        return request.Deep && !quick.HasErrors
            ? quick.WithFindings(await request.MediaTools.DecodeAsync(request.Path, request.Format, cancellationToken))
            : quick;
    }
}
