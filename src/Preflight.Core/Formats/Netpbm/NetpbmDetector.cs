using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Netpbm;

/// <summary>
/// Netpbm (PBM, PGM, PPM): 'P1' to 'P6', white space, then a width and a height in decimal (comments after '#'
/// allowed between them), as ImageSharp's PBM decoder reads them. Two letters alone would be text.
/// </summary>
internal sealed class NetpbmDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var head = context.Head;
        if (head.Length < 7 || head[0] != 'P' || head[1] is < (byte)'1' or > (byte)'6' || !IsSpace(head[2])) return null;
        var at = 2;
        if (Number(head, ref at) is not { } width || Number(head, ref at) is not { } height) return null;
        var kind = head[1] switch
        {
            (byte)'1' or (byte)'4' => "PBM (bitmap)",
            (byte)'2' or (byte)'5' => "PGM (greyscale)",
            _ => "PPM (colour)",
        };
        var encoding = head[1] <= '3' ? "plain" : "binary";
        return Sniffed.As(KnownFormats.Netpbm, $"'P{(char)head[1]}' at offset 0: {encoding} {kind}, {width}x{height}");
    }

    /// <summary>Skips white space and comments, then reads a positive decimal number; null when there is none.</summary>
    private static int? Number(ReadOnlySpan<byte> head, ref int at)
    {
        while (at < head.Length && (IsSpace(head[at]) || head[at] == '#'))
        {
            if (head[at] == '#')
                while (at < head.Length && head[at] is not ((byte)'\n' or (byte)'\r')) at++;
            else
                at++;
        }
        long value = 0;
        var start = at;
        while (at < head.Length && head[at] is >= (byte)'0' and <= (byte)'9' && at - start < 9)
            value = value * 10 + (head[at++] - '0');
        if (at == start || value == 0 || (at < head.Length && !IsSpace(head[at]) && head[at] != '#')) return null;
        return (int)value;
    }

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0B or 0x0C;
}
