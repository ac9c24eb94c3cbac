namespace Preflight.Core.Probing.Audio;

// STUB: being implemented (RIFF chunk walk + NAudio WaveFileReader).
public sealed class WavProber
{
    public ProbeResult Probe(string path) => new(Reports.MediaFacts.Empty, []);
}
