using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Mp4;

/// <summary>
/// Classic QuickTime files predate 'ftyp' and start straight with an atom. Only the atoms such files really start
/// with count, and padding atoms must be followed by another plausible atom, because four letters at offset 4 is weak.
/// </summary>
internal sealed class QuickTimeAtomDetector : IFormatDetector
{
    private static readonly HashSet<string> MediaAtoms = ["moov", "mdat"];
    private static readonly HashSet<string> PaddingAtoms = ["wide", "free", "skip", "pnot"];

    public SniffResult? Detect(SniffContext context)
    {
        var head = context.Head;
        if (head.Length < 8) return null;
        var type = Bytes.FourCc(head, 4);
        var isMedia = MediaAtoms.Contains(type);
        if (!isMedia && !PaddingAtoms.Contains(type)) return null;
        if (!TryAtomSize(context.ReadAt(0, 16), out var size, allowToEnd: type == "mdat")) return null;

        var basis = $"first atom '{type}' at offset 0 (QuickTime without 'ftyp')";
        if (isMedia) return Sniffed.As(KnownFormats.Mov, basis); // a truncated file may end inside 'mdat': still QuickTime

        if (context.Length is not { } length || size > (ulong)length) return null;
        if (size == (ulong)length) return Sniffed.As(KnownFormats.Mov, basis);

        var next = context.ReadAt((long)size, 16);
        if (next.Length < 8 || !IsAtomType(next.Slice(4, 4)) || !TryAtomSize(next, out _, allowToEnd: true)) return null;
        return Sniffed.As(KnownFormats.Mov, $"{basis}, followed by atom '{Bytes.FourCc(next, 4)}' at offset {size}");
    }

    private static bool TryAtomSize(ReadOnlySpan<byte> atom, out ulong size, bool allowToEnd)
    {
        size = Bytes.BigEndian32(atom, 0);
        if (size == 0) return allowToEnd;
        if (size == 1)
        {
            if (atom.Length < 16) return false;
            size = Bytes.BigEndian64(atom, 8);
            return size >= 16;
        }
        return size >= 8;
    }

    // Atom types are four printable characters (Apple uses '©' = 0xA9 in metadata atoms).
    private static bool IsAtomType(ReadOnlySpan<byte> type)
    {
        foreach (var b in type)
        {
            if (b is not ((>= 0x20 and < 0x7F) or 0xA9)) return false;
        }
        return true;
    }
}
