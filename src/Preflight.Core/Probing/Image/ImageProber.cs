namespace Preflight.Core.Probing.Image;

// STUB: being implemented (ImageSharp 2.1.13 Identify + PNG/JPEG structure checks).
public sealed class ImageProber
{
    /// <summary>Quick: header facts (Identify) plus structural checks (PNG CRCs + IEND, JPEG EOI).</summary>
    public ProbeResult Probe(string path, string format) => new(Reports.MediaFacts.Empty, []);

    /// <summary>Deep: full decode under an allocation limit.</summary>
    public ProbeResult Decode(string path, string format) => new(Reports.MediaFacts.Empty, []);
}
