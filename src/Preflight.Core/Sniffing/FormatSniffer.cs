using Preflight.Core.Formats;

namespace Preflight.Core.Sniffing;

/// <summary>
/// Says what a file really is from its first bytes. Detectors run in a deliberate order: strong binary signatures,
/// then the weaker ones (MP3/ADTS frame sync, TS sync bytes, bare QuickTime atoms), then text formats, most specific
/// first (HLS and ffconcat before markup, JSON and plain text). Reads at most
/// <see cref="SniffContext.HeadSize"/> + <see cref="SniffContext.ExtraReadBudget"/> bytes, whatever the file size.
/// </summary>
public sealed class FormatSniffer
{
    private readonly IReadOnlyList<IFormatDetector> _detectors;

    internal FormatSniffer(IReadOnlyList<IFormatDetector> detectors) => _detectors = detectors;

    /// <summary>The detectors of <see cref="FormatRegistry"/>, in its order.</summary>
    public static FormatSniffer Default { get; } = new(FormatRegistry.Detectors);

    /// <summary>Sniffs a file with a bounded read (a few KB, never a full scan).</summary>
    public SniffResult Sniff(string path)
    {
        // Unbuffered (bufferSize 0), so the bytes read from disk are exactly the bytes the detectors ask for.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.None);
        return Sniff(stream);
    }

    /// <summary>
    /// Sniffs a stream from position 0 when it is seekable (the position is restored afterwards), otherwise from where
    /// it is, looking at the head only.
    /// </summary>
    public SniffResult Sniff(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var position = stream.CanSeek ? stream.Position : 0;
        try
        {
            var context = SniffContext.FromStream(stream);
            if (context.Head.IsEmpty) return SniffResult.Empty;
            foreach (var detector in _detectors)
            {
                if (detector.Detect(context) is { } result) return result;
            }

            var shown = context.Head[..Math.Min(8, context.Head.Length)];
            return SniffResult.Unknown($"no known signature matched (first bytes {Bytes.Hex(shown)})");
        }
        finally
        {
            if (stream.CanSeek) stream.Position = position;
        }
    }

    /// <summary>
    /// The <see cref="KnownFormats"/> id an HTTP <c>Content-Type</c> claims, or <c>null</c> when it claims nothing
    /// specific (missing, <c>application/octet-stream</c>, unlisted). See <see cref="FormatMimes.FormatFromMime"/>.
    /// </summary>
    public static string? FormatFromMime(string? contentType) => FormatMimes.FormatFromMime(contentType);
}
