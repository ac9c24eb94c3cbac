using static System.FormattableString;

namespace Preflight.Core.Formats.Mp4.IsoBmff;

internal static class BoxLoader
{
    /// <summary>Reads one whole box payload into memory, refusing any box larger than <paramref name="maxBytes"/>.</summary>
    public static Box Load(Stream stream, BoxHeader header, long maxBytes)
    {
        if (header.PayloadSize > maxBytes)
        {
            throw new IsoBmffCorruptException(Invariant(
                $"box '{header.Type}' at offset {header.Offset:N0} declares {header.Size:N0} bytes, more than the {maxBytes / (1024 * 1024)} MiB a '{header.Type}' may plausibly need"));
        }
        var payload = new byte[header.PayloadSize];
        stream.Position = header.PayloadOffset;
        stream.ReadExactly(payload);
        return new Box(header.Type, header.Offset, header.PayloadOffset, payload);
    }
}
