namespace Preflight.Core.Probing.Video;

// STUB: being implemented (in-process ISO BMFF box walker).
public sealed class Mp4Prober
{
    /// <summary>Reads facts and checks structure of an ISO BMFF file (mp4, mov, m4a, 3gp) without ffprobe.</summary>
    public ProbeResult Probe(string path) => new(Reports.MediaFacts.Empty, []) { NeedsFfprobe = true };
}
