using Preflight.Core.Probing;

namespace Preflight.Core.Formats.Image;

/// <summary>PNG and JPEG: structure walk plus ImageSharp's header read; a full ImageSharp decode when deep.</summary>
internal sealed class ImageFormatProber : IFormatProber
{
    public static ImageFormatProber Instance { get; } = new();

    private readonly ImageProber _reader = new();

    public Task<ProbeResult> ProbeAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        var quick = _reader.Probe(request.Path, request.Format);
        return Task.FromResult(request.Deep && !quick.HasErrors
            ? ProbeResult.Merge(quick, _reader.Decode(request.Path, request.Format))
            : quick);
    }
}
