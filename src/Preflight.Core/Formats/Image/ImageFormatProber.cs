using Preflight.Core.Probing;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Image;

/// <summary>PNG and JPEG: structure walk plus ImageSharp's header read; when deep, a full ImageSharp decode and (JPEG) ffmpeg's.</summary>
internal sealed class ImageFormatProber : IFormatProber
{
    public static ImageFormatProber Instance { get; } = new();

    private readonly ImageProber _reader = new();

    public async Task<ProbeResult> ProbeAsync(ProbeRequest request, CancellationToken cancellationToken)
    {
        var quick = request.Contents is { } contents
            ? _reader.Probe(contents.OpenRead, request.Format)
            : _reader.Probe(request.Path, request.Format);
        if (!request.Deep || quick.HasErrors) return quick;
        var decoded = ProbeResult.Merge(quick, _reader.Decode(request.Path, request.Format));
        // Deep mode decodes the way a strict decoder does: ffmpeg refuses a PNG with bytes after IEND.
        if (quick.Findings.FirstOrDefault(f => f.Code == FindingCodes.FileTrailingData) is { } tail)
            return decoded.WithFindings([Finding.Error(FindingCodes.FileCorrupt,
                "A strict decode fails: " + tail.Message, actual: tail.Actual, limit: tail.Limit)]);
        // ImageSharp conceals damaged JPEG scan data (a garbled picture, no exception); ffmpeg's decoder reports it.
        // PNG needs no second decoder: quick mode already inflated and checked its whole zlib stream.
        return request.Format == KnownFormats.Jpeg && !decoded.HasErrors && decoded.Findings.All(f => f.Code != FindingCodes.ImageTooLargeToDecode)
            ? decoded.WithFindings(await request.MediaTools.DecodeAsync(request.Path, request.Format, cancellationToken))
            : decoded;
    }
}
