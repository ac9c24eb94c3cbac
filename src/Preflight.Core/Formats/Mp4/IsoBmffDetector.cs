using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Mp4;

/// <summary>
/// ISO base media files (MP4, M4A, 3GP, HEIF, AVIF, and QuickTime with 'qt  ') by the brands in the 'ftyp' box at
/// offset 4. The major brand decides when we know it; otherwise the first compatible brand we know.
/// </summary>
internal sealed class IsoBmffDetector : IFormatDetector
{
    // HEIF's generic image brands say "an image file", not which codec: a compatible 'avif' makes it AVIF.
    private static readonly HashSet<string> GenericImageBrands = ["mif1", "msf1", "mif2", "miaf"];

    public SniffResult? Detect(SniffContext context)
    {
        var head = context.Head;
        if (!Bytes.StartsWith(head, 4, "ftyp"u8) || head.Length < 12) return null;

        ulong size = Bytes.BigEndian32(head, 0);
        var brandsAt = 8;
        if (size == 1)
        {
            if (head.Length < 20) return null;
            size = Bytes.BigEndian64(head, 8);
            brandsAt = 16;
        }
        if (size != 0 && size < (ulong)brandsAt + 8) return null; // too small to hold a major brand and version

        var boxEnd = size == 0 ? (ulong)head.Length : Math.Min(size, (ulong)head.Length);
        var major = Bytes.FourCc(head, brandsAt);
        var compatible = new List<string>();
        for (var at = brandsAt + 8; (ulong)at + 4 <= boxEnd; at += 4) compatible.Add(Bytes.FourCc(head, at));

        var basis = $"'ftyp' at offset 4, major brand '{major}'";
        if (GenericImageBrands.Contains(major))
        {
            var avif = compatible.FirstOrDefault(b => Classify(b) == KnownFormats.Avif);
            return avif is null
                ? Sniffed.As(KnownFormats.Heif, basis)
                : Sniffed.As(KnownFormats.Avif, $"{basis}, compatible brand '{avif}'");
        }

        if (Classify(major) is { } format) return Sniffed.As(format, basis);

        foreach (var brand in compatible)
        {
            if (Classify(brand) is { } byCompatible)
            {
                return Sniffed.As(byCompatible, $"{basis} (not recognised), compatible brand '{brand}'");
            }
        }

        var listed = compatible.Count == 0 ? "none" : string.Join(", ", compatible.Select(b => $"'{b}'"));
        return SniffResult.Unknown($"ISO media 'ftyp' at offset 4 with unrecognised major brand '{major}' and compatible brands {listed}");
    }

    private static string? Classify(string brand) => brand switch
    {
        "qt  " => KnownFormats.Mov,
        // Apple's and Adobe's audio-only brands (audio, audio book, protected audio).
        "M4A " or "M4B " or "M4P " or "f4a " or "f4b " => KnownFormats.M4a,
        "avif" or "avis" => KnownFormats.Avif,
        "heic" or "heix" or "heim" or "heis" or "hevc" or "hevx" or "hevm" or "hevs" or "avci" or "avcs"
            or "mif1" or "msf1" or "mif2" or "miaf" => KnownFormats.Heif,
        // 3GPP/3GPP2 brands all start '3g': 3gp4…3gp9, 3g2a…, 3gg6, 3ge6, 3gr6, 3gs6, 3gt8, …
        _ when brand.StartsWith("3g", StringComparison.Ordinal) => KnownFormats.ThreeGp,
        _ when brand.StartsWith("iso", StringComparison.Ordinal) => KnownFormats.Mp4,
        "mp41" or "mp42" or "mp71" or "avc1" or "M4V " or "M4VH" or "M4VP" or "f4v " or "f4p " or "dash" or "msdh"
            or "msix" or "mmp4" or "MSNV" or "XAVC" or "cmfc" or "cmfs" or "cmf2" or "dby1" or "NDAS" or "NDSC"
            or "NDSH" or "NDSM" or "NDSP" or "NDSS" or "NDXC" or "NDXH" or "NDXM" or "NDXP" or "NDXS" => KnownFormats.Mp4,
        _ => null,
    };
}
