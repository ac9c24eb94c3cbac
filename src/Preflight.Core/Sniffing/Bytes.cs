using System.Buffers.Binary;
using System.Text;
using Preflight.Core.Formats.Mp4.IsoBmff;

namespace Preflight.Core.Sniffing;

/// <summary>Small readers and printers shared by the detectors. All tolerate short spans.</summary>
internal static class Bytes
{
    public static bool StartsWith(ReadOnlySpan<byte> data, int offset, ReadOnlySpan<byte> expected) =>
        offset >= 0 && data.Length >= offset + expected.Length && data.Slice(offset, expected.Length).SequenceEqual(expected);

    public static uint BigEndian32(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt32BigEndian(data.Slice(offset, 4));

    public static ulong BigEndian64(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt64BigEndian(data.Slice(offset, 8));

    public static uint LittleEndian32(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(offset, 4));

    public static ushort LittleEndian16(ReadOnlySpan<byte> data, int offset) => BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(offset, 2));

    /// <summary>A four-character code as it appears in the file; bytes outside printable ASCII become \xNN.</summary>
    public static string FourCc(ReadOnlySpan<byte> data, int offset) => Printable(data.Slice(offset, Math.Min(4, data.Length - offset)));

    /// <summary>Bytes as text for a basis: printable ASCII kept, the rest escaped (\xNN), so file content can't inject anything odd.</summary>
    public static string Printable(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder(data.Length);
        foreach (var b in data)
        {
            if (b is >= 0x20 and < 0x7F && b != '\'' && b != '\\') sb.Append((char)b);
            else sb.Append("\\x").Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>"00 1A 45 DF" for a basis.</summary>
    public static string Hex(ReadOnlySpan<byte> data) =>
        string.Join(' ', data.ToArray().Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
}

/// <summary>Builds results with the MIME type that belongs to the format.</summary>
internal static class Sniffed
{
    public static SniffResult As(string format, string basis) => new(format, FormatMimes.MimeOf(format), basis);
}
