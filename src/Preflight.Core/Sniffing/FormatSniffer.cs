namespace Preflight.Core.Sniffing;

// STUB: being implemented (detectors + registry). Public surface is the contract.
public sealed class FormatSniffer
{
    public static FormatSniffer Default { get; } = new();

    /// <summary>Sniffs a file with a bounded read (a few KB, never a full scan).</summary>
    public SniffResult Sniff(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
        return Sniff(stream);
    }

    /// <summary>Sniffs a seekable stream from its current start (position 0).</summary>
    public SniffResult Sniff(Stream stream) => stream.Length == 0 ? SniffResult.Empty : SniffResult.Unknown();
}
