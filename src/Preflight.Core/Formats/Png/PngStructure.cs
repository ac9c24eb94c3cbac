using System.Buffers.Binary;
using System.Globalization;
using Preflight.Core.Formats.Image;

namespace Preflight.Core.Formats.Png;

/// <summary>
/// Walks every PNG chunk and verifies every CRC. ImageSharp decodes truncated PNGs silently (missing rows come back
/// transparent), so this walk is what catches a cut or damaged file in quick mode. Streams with one small buffer.
/// </summary>
internal static class PngStructure
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static StructureResult Check(Stream stream)
    {
        var reader = new ByteReader(stream);
        Span<byte> signature = stackalloc byte[8];
        if (!reader.TryReadExactly(signature))
            return StructureResult.Corrupt($"PNG is only {reader.Length} bytes long: shorter than the 8-byte PNG signature.");
        if (!signature.SequenceEqual(Signature))
            return StructureResult.Corrupt("The file does not start with the PNG signature (89 50 4E 47 0D 0A 1A 0A).");

        Span<byte> header = stackalloc byte[8];
        Span<byte> ihdr = stackalloc byte[13];
        Span<byte> crcBytes = stackalloc byte[4];
        var crc = new System.IO.Hashing.Crc32();
        var chunkCount = 0;
        string? lastType = null;
        var seenIdat = false;
        var idatRunEnded = false;
        var seenPalette = false;
        var colorType = -1;
        PngHeader? pngHeader = null;
        var idat = new List<(long Offset, long Length)>();
        long inflatedText = 0;

        while (true)
        {
            var offset = reader.Position;
            if (reader.Remaining == 0)
            {
                return StructureResult.Corrupt(lastType is null
                    ? "PNG has a signature but no chunks: the file is truncated."
                    : $"PNG ends after chunk '{lastType}' without an IEND chunk: the file is truncated.");
            }
            if (!reader.TryReadExactly(header))
                return StructureResult.Corrupt($"PNG ends inside the header of the chunk at offset {offset}: the file is truncated.");

            var length = BinaryPrimitives.ReadUInt32BigEndian(header);
            var typeBytes = header[4..];
            if (!IsValidType(typeBytes))
            {
                return StructureResult.Corrupt(
                    $"PNG chunk at offset {offset} has an invalid type ({Convert.ToHexString(typeBytes)}): the data is damaged.");
            }
            var type = System.Text.Encoding.ASCII.GetString(typeBytes);
            if (length > int.MaxValue)
                return StructureResult.Corrupt($"PNG chunk '{type}' at offset {offset} declares an impossible length of {length:N0} bytes.");
            if (length + 4L > reader.Remaining)
            {
                return StructureResult.Corrupt(
                    $"PNG chunk '{type}' at offset {offset} declares {length:N0} bytes of data (plus a 4-byte CRC) " +
                    $"but only {reader.Remaining:N0} bytes remain: the file is truncated.");
            }

            if (chunkCount == 0 && type != "IHDR")
                return StructureResult.Corrupt($"PNG's first chunk is '{type}', not IHDR: the file is damaged.");
            if (chunkCount > 0 && type == "IHDR")
                return StructureResult.Corrupt($"PNG has a second IHDR chunk at offset {offset}: the file is damaged.");

            crc.Reset();
            crc.Append(typeBytes);
            if (type == "IHDR")
            {
                if (length != 13)
                    return StructureResult.Corrupt($"PNG IHDR chunk is {length} bytes long instead of 13: the file is damaged.");
                reader.TryReadExactly(ihdr);
                crc.Append(ihdr);
            }
            else
            {
                for (long left = length; left > 0;)
                {
                    var some = reader.ReadSome(left);
                    crc.Append(some);
                    left -= some.Length;
                }
            }

            reader.TryReadExactly(crcBytes);
            var stored = BinaryPrimitives.ReadUInt32BigEndian(crcBytes);
            var computed = crc.GetCurrentHashAsUInt32();
            if (stored != computed)
            {
                return StructureResult.Corrupt(string.Create(CultureInfo.InvariantCulture,
                    $"PNG chunk '{type}' at offset {offset} has a bad CRC (stored 0x{stored:X8}, computed 0x{computed:X8}): the data is damaged."));
            }

            switch (type)
            {
                case "IHDR":
                    var problem = CheckHeader(ihdr);
                    if (problem is not null) return StructureResult.Corrupt(problem);
                    colorType = ihdr[9];
                    pngHeader = new PngHeader(BinaryPrimitives.ReadUInt32BigEndian(ihdr), BinaryPrimitives.ReadUInt32BigEndian(ihdr[4..]),
                        ihdr[8], ihdr[9], ihdr[12] == 1);
                    break;
                case "PLTE":
                    seenPalette = true;
                    break;
                case "IDAT":
                    if (idatRunEnded)
                        return StructureResult.Corrupt($"PNG IDAT chunk at offset {offset} follows other chunks after the image data: IDAT chunks must be consecutive.");
                    if (colorType == 3 && !seenPalette)
                        return StructureResult.Corrupt("Indexed-colour PNG has no PLTE chunk before its image data: the file is damaged.");
                    seenIdat = true;
                    idat.Add((offset + 8, length));
                    break;
                case "zTXt" or "iTXt":
                    if (CompressedTextProblem(stream, type, offset + 8, length, ref inflatedText) is { } bomb)
                        return StructureResult.Corrupt(bomb) with { KeepFromDecoder = true };
                    break;
                case "IEND":
                    if (!seenIdat)
                        return StructureResult.Corrupt("PNG has no IDAT chunk: it holds no image data (header only).");
                    // Every CRC can be right while the zlib stream they carry is not: inflate it (decoders fill the gap silently).
                    var afterIend = reader.Remaining;
                    if (PngImageData.Check(stream, idat, pngHeader!.Value) is { } dataProblem) return StructureResult.Corrupt(dataProblem);
                    // Bytes after IEND are ignored by every decoder; they do not make the image invalid.
                    return StructureResult.Sound(afterIend);
                default:
                    if (seenIdat) idatRunEnded = true;
                    break;
            }

            chunkCount++;
            lastType = type;
        }
    }

    /// <summary>
    /// Compressed text chunks that together inflate beyond <see cref="MaxInflatedTextBytes"/>, counted in
    /// <paramref name="inflatedText"/>. ImageSharp 2's header read inflates each whole into a growing list: a few MB of
    /// zeros compressed would cost gigabytes and end in an OutOfMemoryException. (It does not read iCCP at all.)
    /// </summary>
    private static string? CompressedTextProblem(Stream stream, string type, long dataOffset, long length, ref long inflatedText)
    {
        // Keyword (1-79 bytes) and NUL; zTXt then a method byte, iTXt a flag, a method and two more NUL-ended strings.
        var head = new byte[(int)Math.Min(length, 4096)];
        stream.Position = dataOffset;
        stream.ReadExactly(head);
        var at = Array.IndexOf(head, (byte)0);
        if (at < 0) return null;
        at++;
        if (type == "iTXt")
        {
            if (at + 2 > head.Length || head[at] == 0) return null; // not compressed
            at += 2;
            for (var strings = 0; strings < 2 && at >= 0; strings++)
            {
                var end = Array.IndexOf(head, (byte)0, at);
                at = end < 0 ? -1 : end + 1;
            }
            // A decoder looks for the text however far the strings run: do not let a long language tag hide a bomb.
            if (at < 0) return $"PNG chunk 'iTXt' at offset {dataOffset - 8} holds compressed text after header strings longer than {head.Length:N0} bytes: the file is damaged.";
        }
        else
        {
            at++;
        }
        if (at >= length) return null;

        inflatedText += PngImageData.InflatedLength(stream, dataOffset + at, length - at, MaxInflatedTextBytes - inflatedText);
        return inflatedText > MaxInflatedTextBytes
            ? string.Create(CultureInfo.InvariantCulture,
                $"PNG's compressed text inflates to more than {MaxInflatedTextBytes / (1024 * 1024)} MiB (reached in chunk '{type}' at offset {dataOffset - 8}): text that large is a zlib bomb, not a real image's metadata.")
            : null;
    }

    /// <summary>Most inflated text (zTXt, compressed iTXt) accepted in one file: real text (comments, XMP) is kilobytes.</summary>
    private const long MaxInflatedTextBytes = 16L * 1024 * 1024;

    private static bool IsValidType(ReadOnlySpan<byte> type)
    {
        foreach (var b in type)
        {
            if (!char.IsAsciiLetter((char)b)) return false;
        }
        return true;
    }

    private static string? CheckHeader(ReadOnlySpan<byte> ihdr)
    {
        var width = BinaryPrimitives.ReadUInt32BigEndian(ihdr);
        var height = BinaryPrimitives.ReadUInt32BigEndian(ihdr[4..]);
        int bitDepth = ihdr[8], colorType = ihdr[9], compression = ihdr[10], filter = ihdr[11], interlace = ihdr[12];
        if (width == 0 || height == 0 || width > int.MaxValue || height > int.MaxValue)
            return $"PNG IHDR declares an impossible size of {width}x{height}: the file is damaged.";
        var depthOk = colorType switch
        {
            0 => bitDepth is 1 or 2 or 4 or 8 or 16,
            3 => bitDepth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => bitDepth is 8 or 16,
            _ => false,
        };
        if (!depthOk)
            return $"PNG IHDR declares an invalid colour type {colorType} with bit depth {bitDepth}: the file is damaged.";
        if (compression != 0 || filter != 0 || interlace > 1)
            return $"PNG IHDR declares unknown compression ({compression}), filter ({filter}) or interlace ({interlace}) methods: the file is damaged.";
        return null;
    }
}
