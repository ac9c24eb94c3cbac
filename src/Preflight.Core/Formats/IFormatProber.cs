using Preflight.Core.Probing;
using Preflight.Core.Probing.Video;

namespace Preflight.Core.Formats;

/// <summary>What a prober is asked: one file of a sniffed (or promised) format.</summary>
/// <param name="InProcessOnly">Only the in-process structure reader may run: ffprobe/ffmpeg never see the bytes.</param>
internal sealed record ProbeRequest(string Path, string FileName, string Format, bool Deep, bool InProcessOnly, MediaTools MediaTools);

/// <summary>Reads one format's structure and media facts. Never throws for a bad file: problems are findings.</summary>
internal interface IFormatProber
{
    Task<ProbeResult> ProbeAsync(ProbeRequest request, CancellationToken cancellationToken);
}
