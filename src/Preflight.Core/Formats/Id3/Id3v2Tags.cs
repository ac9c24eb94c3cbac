namespace Preflight.Core.Formats.Id3;

/// <summary>Reads up to <paramref name="destination"/>.Length bytes at <paramref name="offset"/>; returns how many it got.</summary>
internal delegate int ReadBytesAt(long offset, Span<byte> destination);

/// <summary>Where the audio starts after the ID3v2 tags at the start of a file.</summary>
/// <param name="AudioStart">The offset after the last whole tag header read (past the end of the file when a tag claims more bytes than there are).</param>
/// <param name="TagCount">How many tags were skipped.</param>
/// <param name="FirstVersion">The major version of the first tag (2, 3 or 4), or null when there is none.</param>
/// <param name="Problem">Why the tags are damaged (a tag runs past the end of the file, a header is invalid); null when they are fine.</param>
internal sealed record Id3v2Chain(long AudioStart, int TagCount, int? FirstVersion, string? Problem);

/// <summary>
/// The one ID3v2 reader (used by the sniffer's <c>SniffContext.AudioStart</c> and by the MP3 frame walk's
/// <c>Mp3Tags</c>): header "ID3", major version 2–4, revision below 0xFF, flags, four syncsafe size bytes; a footer
/// of 10 bytes only when a v2.4 tag sets flag 0x10. At most <see cref="MaxTags"/> chained tags.
/// </summary>
internal static class Id3v2Tags
{
    /// <summary>A few chained tags are legitimate (taggers that prepend rather than replace); more is not audio.</summary>
    public const int MaxTags = 4;

    public const int HeaderSize = 10;

    /// <summary>Skips the tags at the start. <paramref name="length"/> is the file length when known (null for a stream).</summary>
    public static Id3v2Chain Skip(ReadBytesAt readAt, long? length)
    {
        Span<byte> header = stackalloc byte[HeaderSize];
        long offset = 0;
        var count = 0;
        int? first = null;
        while (count < MaxTags)
        {
            var read = readAt(offset, header);
            if (read < HeaderSize || !header[..3].SequenceEqual("ID3"u8)) break;
            if (!TryReadTagLength(header, out var tagLength, out var major))
            {
                return new Id3v2Chain(offset, count, first,
                    $"ID3v2 tag at offset {offset} has an invalid header (version, revision or syncsafe size field): the file is damaged.");
            }
            if (offset + tagLength > length)
            {
                return new Id3v2Chain(offset + tagLength, count + 1, first ?? major,
                    $"ID3v2 tag at offset {offset} declares {tagLength - HeaderSize:N0} bytes but the file ends first: the file is truncated.");
            }
            first ??= major;
            offset += tagLength;
            count++;
        }
        return new Id3v2Chain(offset, count, first, null);
    }

    /// <summary>Reads an ID3v2 header: "ID3", version, revision, flags, four syncsafe size bytes (7 bits each).</summary>
    /// <param name="tagLength">Header, body and (v2.4 only) footer.</param>
    public static bool TryReadTagLength(ReadOnlySpan<byte> header, out long tagLength, out int majorVersion)
    {
        tagLength = 0;
        majorVersion = 0;
        if (header.Length < HeaderSize || !header[..3].SequenceEqual("ID3"u8)) return false;
        if (header[3] is < 2 or > 4 || header[4] == 0xFF) return false;
        if ((header[6] | header[7] | header[8] | header[9]) >= 0x80) return false;

        long size = (header[6] << 21) | (header[7] << 14) | (header[8] << 7) | header[9];
        // Flag 0x10 means "footer present" only in v2.4; in v2.3 it is undefined and adds nothing.
        var hasFooter = header[3] == 4 && (header[5] & 0x10) != 0;
        tagLength = HeaderSize + size + (hasFooter ? 10 : 0);
        majorVersion = header[3];
        return true;
    }
}
