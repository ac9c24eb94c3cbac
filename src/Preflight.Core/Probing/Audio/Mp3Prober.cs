namespace Preflight.Core.Probing.Audio;

// STUB: being implemented (NAudio Mp3Frame walking).
public sealed class Mp3Prober
{
    public ProbeResult Probe(string path) => new(Reports.MediaFacts.Empty, []);
}
