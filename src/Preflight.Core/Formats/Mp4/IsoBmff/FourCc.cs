using System.Text;

namespace Preflight.Core.Formats.Mp4.IsoBmff;

internal static class FourCc
{
    public static string From(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes[..4]);

    /// <summary>
    /// Real box types are printable ASCII (QuickTime adds '©'). Anything else where a box should start is
    /// garbage, and saying so reads better than "box '\0\x13…' declares 4 billion bytes".
    /// </summary>
    public static bool IsPlausible(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes[..4])
        {
            if (b is not (>= 0x20 and <= 0x7E) and not 0xA9) return false;
        }
        return true;
    }

    /// <summary>A type for messages: printable as is, otherwise as hex.</summary>
    public static string Display(ReadOnlySpan<byte> bytes) =>
        IsPlausible(bytes) ? $"'{From(bytes)}'" : "0x" + Convert.ToHexString(bytes[..4]);
}
