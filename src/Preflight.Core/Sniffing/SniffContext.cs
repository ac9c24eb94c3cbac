using Preflight.Core.Formats.Id3;

namespace Preflight.Core.Sniffing;

/// <summary>
/// The bytes a detector may look at: the head of the file plus a small, budgeted number of reads further in.
/// The budget is what keeps sniffing bounded however large the file (or its ID3 tag) claims to be.
/// </summary>
internal sealed class SniffContext
{
    /// <summary>How many bytes from the start every detector sees.</summary>
    public const int HeadSize = 8 * 1024;

    /// <summary>How many bytes beyond the head all detectors together may read.</summary>
    public const int ExtraReadBudget = 8 * 1024;

    private readonly Stream? _stream;
    private int _budgetLeft = ExtraReadBudget;
    private Id3Skip? _audioStart;
    private TextHead? _text;

    private SniffContext(byte[] head, long? length, Stream? stream)
    {
        HeadBytes = head;
        Length = length;
        _stream = stream;
    }

    /// <summary>The first bytes of the file (fewer only when the file is shorter than <see cref="HeadSize"/>).</summary>
    public ReadOnlySpan<byte> Head => HeadBytes;

    /// <summary>The whole file length, or <c>null</c> for a non-seekable stream longer than the head.</summary>
    public long? Length { get; }

    /// <summary>True when <see cref="Head"/> holds every byte of the file.</summary>
    public bool HeadIsWholeFile => Length == HeadBytes.Length;

    private byte[] HeadBytes { get; }

    /// <summary>Where the audio starts after any ID3v2 tags (offset 0 when there are none).</summary>
    public Id3Skip AudioStart => _audioStart ??= Id3Skip.Find(this);

    /// <summary>The head decoded as text (BOM removed), as far as it decodes.</summary>
    public TextHead Text => _text ??= TextHead.Decode(HeadBytes, HeadIsWholeFile);

    /// <summary>Reads the head of <paramref name="stream"/> from position 0 (seekable) or from where it is.</summary>
    public static SniffContext FromStream(Stream stream)
    {
        long? length = null;
        if (stream.CanSeek)
        {
            length = stream.Length;
            stream.Position = 0;
        }

        var buffer = new byte[length is { } l ? (int)Math.Min(l, HeadSize) : HeadSize];
        var read = ReadFully(stream, buffer);
        if (read < buffer.Length)
        {
            Array.Resize(ref buffer, read);
            length = read; // hit the end: now we know the length exactly
        }

        return new SniffContext(buffer, length, stream.CanSeek ? stream : null);
    }

    /// <summary>
    /// Up to <paramref name="count"/> bytes at <paramref name="offset"/>: from the head when they are in it, otherwise
    /// a real read charged to the shared budget. Returns fewer bytes (maybe none) at the end of the file, for a
    /// non-seekable stream, or when the budget is spent.
    /// </summary>
    public ReadOnlySpan<byte> ReadAt(long offset, int count)
    {
        if (offset < 0 || count <= 0) return [];
        if (Length is { } length)
        {
            if (offset >= length) return [];
            count = (int)Math.Min(count, length - offset);
        }

        if (offset + count <= HeadBytes.Length) return HeadBytes.AsSpan((int)offset, count);
        if (_stream is null) return offset < HeadBytes.Length ? HeadBytes.AsSpan((int)offset) : [];

        count = Math.Min(count, _budgetLeft);
        if (count <= 0) return [];
        _budgetLeft -= count;
        var buffer = new byte[count];
        _stream.Position = offset;
        var read = ReadFully(_stream, buffer);
        return buffer.AsSpan(0, read);
    }

    private static int ReadFully(Stream stream, byte[] buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer, total, buffer.Length - total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}

/// <summary>The offset after zero or more ID3v2 tags (read by <see cref="Id3v2Tags"/>), and a phrase for <see cref="SniffResult.Basis"/>.</summary>
internal sealed record Id3Skip(long Offset, int TagCount, string? Version)
{
    public bool HasTag => TagCount > 0;

    /// <summary>" (after a 1034-byte ID3v2.4 tag)" or empty; sizes count header, body and footer.</summary>
    public string AfterPhrase => TagCount switch
    {
        0 => "",
        1 => $" (after a {Offset}-byte ID3v2.{Version} tag)",
        _ => $" (after {TagCount} ID3v2 tags, {Offset} bytes in all)",
    };

    public static Id3Skip Find(SniffContext context)
    {
        // A damaged or truncated tag is the structure reader's to report; the sniffer only needs where audio would start.
        var chain = Id3v2Tags.Skip((offset, destination) =>
        {
            var bytes = context.ReadAt(offset, destination.Length);
            bytes.CopyTo(destination);
            return bytes.Length;
        }, context.Length);
        return new Id3Skip(chain.AudioStart, chain.TagCount,
            chain.FirstVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// The head as text. <see cref="Value"/> is the longest prefix that decodes (BOM stripped, so detectors can look at
/// the first characters); <see cref="IsValid"/> says the whole head decoded.
/// </summary>
internal sealed record TextHead(string Value, string Encoding, int BomLength, bool IsValid)
{
    /// <summary>Where text begins after the BOM and any whitespace, as a character index.</summary>
    public int FirstNonWhitespace
    {
        get
        {
            var i = 0;
            while (i < Value.Length && IsWhitespace(Value[i])) i++;
            return i;
        }
    }

    /// <summary>The byte offset in the file of a character index into <see cref="Value"/>.</summary>
    public int ByteOffsetOf(int charIndex) =>
        BomLength + (Encoding == "UTF-8" ? System.Text.Encoding.UTF8.GetByteCount(Value.AsSpan(0, charIndex)) : charIndex * 2);

    /// <summary>" (after a UTF-8 BOM)" or empty: for basis phrases.</summary>
    public string BomPhrase => BomLength == 0 ? "" : $" (after a {Encoding} BOM)";

    public static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    public static TextHead Decode(byte[] head, bool isWholeFile)
    {
        var (name, bom) = head switch
        {
            [0xEF, 0xBB, 0xBF, ..] => ("UTF-8", 3),
            [0xFF, 0xFE, ..] => ("UTF-16LE", 2),
            [0xFE, 0xFF, ..] => ("UTF-16BE", 2),
            _ => ("UTF-8", 0),
        };
        var body = head.AsSpan(bom);
        return name == "UTF-8" ? DecodeUtf8(body, bom, isWholeFile) : DecodeUtf16(body, name, isWholeFile);
    }

    private static TextHead DecodeUtf8(ReadOnlySpan<byte> body, int bom, bool isWholeFile)
    {
        var chars = new char[body.Length];
        // Not the final block when the head stops before the file does: a character cut in two is not invalid.
        var status = System.Text.Unicode.Utf8.ToUtf16(body, chars, out _, out var written,
            replaceInvalidSequences: false, isFinalBlock: isWholeFile);
        var valid = status is System.Buffers.OperationStatus.Done or System.Buffers.OperationStatus.NeedMoreData;
        return new TextHead(new string(chars, 0, written), "UTF-8", bom, valid);
    }

    private static TextHead DecodeUtf16(ReadOnlySpan<byte> body, string name, bool isWholeFile)
    {
        var bigEndian = name == "UTF-16BE";
        var units = body.Length / 2;
        var chars = new char[units];
        var written = 0;
        var valid = isWholeFile ? body.Length % 2 == 0 : true;
        for (var i = 0; i < units; i++)
        {
            var c = (char)(bigEndian ? (body[2 * i] << 8) | body[2 * i + 1] : body[2 * i] | (body[2 * i + 1] << 8));
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= units)
                {
                    valid &= !isWholeFile;
                    break;
                }
                var next = (char)(bigEndian ? (body[2 * i + 2] << 8) | body[2 * i + 3] : body[2 * i + 2] | (body[2 * i + 3] << 8));
                if (!char.IsLowSurrogate(next))
                {
                    valid = false;
                    break;
                }
                chars[written++] = c;
                chars[written++] = next;
                i++;
                continue;
            }
            if (char.IsLowSurrogate(c))
            {
                valid = false;
                break;
            }
            chars[written++] = c;
        }
        return new TextHead(new string(chars, 0, written), name, 2, valid);
    }
}
