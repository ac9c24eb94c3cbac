using System.Buffers.Binary;
using System.Text;

namespace Preflight.TestSupport.Mutations;

/// <summary>
/// One structural unit of a file: an MP4 box, a PNG/WAV chunk, a JPEG marker segment, an MP3 frame or ID3v2 tag.
/// <paramref name="Ancestors"/> are the units that contain it (their size fields grow when it is duplicated).
/// </summary>
public sealed record MediaUnit(
    string Name,
    int Offset,
    int Length,
    int SizeFieldOffset,
    SizeField SizeField,
    IReadOnlyList<int> Ancestors);

/// <summary>How a unit's size field is written (and what it counts).</summary>
public enum SizeField
{
    None,
    /// <summary>MP4 box: 32-bit big-endian size of the whole box.</summary>
    Mp4Box,
    /// <summary>PNG chunk: 32-bit big-endian length of the data (header and CRC excluded).</summary>
    PngChunk,
    /// <summary>RIFF chunk: 32-bit little-endian length of the data (header excluded).</summary>
    RiffChunk,
    /// <summary>JPEG segment: 16-bit big-endian length including the length bytes, excluding the marker.</summary>
    JpegSegment,
    /// <summary>ID3v2 tag: 28-bit syncsafe size of the tag after its 10-byte header.</summary>
    Id3Syncsafe,
}

/// <summary>
/// Finds the units and the payload (the coded media: mdat, IDAT, entropy-coded scans, WAV data, MP3 frame bodies) of
/// a valid file, so that mutations can aim at structure or at data. Written independently of Preflight's own
/// readers on purpose: a mutation must not inherit the blind spots of the code it tests.
/// </summary>
public static class MediaUnits
{
    private static readonly HashSet<string> Mp4Containers =
        ["moov", "trak", "mdia", "minf", "stbl", "dinf", "edts", "mvex", "moof", "traf", "mfra", "udta"];

    /// <summary>Boxes whose children start after a full-box header and an entry count.</summary>
    private static readonly HashSet<string> Mp4ListBoxes = ["stsd", "dref"];

    /// <summary>Sample entries: children start after the fixed sample-entry fields.</summary>
    private static readonly Dictionary<string, int> Mp4SampleEntries = new()
    {
        ["avc1"] = 8 + 78, ["hvc1"] = 8 + 78, ["mp4v"] = 8 + 78, ["mp4a"] = 8 + 28,
    };

    public static (List<MediaUnit> Units, List<(int Offset, int Length)> Payload) Parse(string extension, byte[] bytes) =>
        extension.ToLowerInvariant() switch
        {
            ".mp4" or ".mov" or ".m4a" => ParseMp4(bytes),
            ".png" => ParsePng(bytes),
            ".wav" => ParseRiff(bytes),
            ".jpg" or ".jpeg" => ParseJpeg(bytes),
            ".mp3" => ParseMp3(bytes),
            _ => ([], []),
        };

    private static (List<MediaUnit>, List<(int, int)>) ParseMp4(byte[] bytes)
    {
        var units = new List<MediaUnit>();
        var payload = new List<(int, int)>();
        WalkBoxes(bytes, 0, bytes.Length, [], units, payload);
        return (units, payload);
    }

    private static void WalkBoxes(byte[] bytes, int start, int end, List<int> ancestors, List<MediaUnit> units, List<(int, int)> payload)
    {
        var at = start;
        while (at + 8 <= end)
        {
            var size = (long)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at));
            var type = Encoding.Latin1.GetString(bytes, at + 4, 4);
            if (size == 0) size = end - at;
            if (size < 8 || at + size > end) return; // largesize or damage: stop here, mutations still apply elsewhere
            var index = units.Count;
            units.Add(new MediaUnit(type, at, (int)size, at, SizeField.Mp4Box, [.. ancestors]));
            var childStart = Mp4Containers.Contains(type) ? at + 8
                : Mp4ListBoxes.Contains(type) ? at + 16
                : Mp4SampleEntries.TryGetValue(type, out var skip) ? at + skip
                : -1;
            if (childStart >= 0 && childStart < at + size)
                WalkBoxes(bytes, childStart, at + (int)size, [.. ancestors, index], units, payload);
            if (type == "mdat") payload.Add((at + 8, (int)size - 8));
            at += (int)size;
        }
    }

    private static (List<MediaUnit>, List<(int, int)>) ParsePng(byte[] bytes)
    {
        var units = new List<MediaUnit>();
        var payload = new List<(int, int)>();
        var at = 8;
        while (at + 12 <= bytes.Length)
        {
            var length = (long)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at));
            if (at + 12 + length > bytes.Length) break;
            var type = Encoding.Latin1.GetString(bytes, at + 4, 4);
            units.Add(new MediaUnit(type, at, (int)length + 12, at, SizeField.PngChunk, []));
            if (type == "IDAT") payload.Add((at + 8, (int)length));
            at += (int)length + 12;
        }
        return (units, payload);
    }

    private static (List<MediaUnit>, List<(int, int)>) ParseRiff(byte[] bytes)
    {
        var units = new List<MediaUnit>();
        var payload = new List<(int, int)>();
        if (bytes.Length < 12) return (units, payload);
        units.Add(new MediaUnit(Encoding.Latin1.GetString(bytes, 0, 4), 0, bytes.Length, 0, SizeField.RiffChunk, []));
        var at = 12;
        while (at + 8 <= bytes.Length)
        {
            var length = (long)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 4));
            var id = Encoding.Latin1.GetString(bytes, at, 4);
            // RF64's data chunk says 0xFFFFFFFF; its real size is in ds64. Take what the file holds.
            if (at + 8 + length > bytes.Length) length = bytes.Length - at - 8;
            var padded = (int)(length + (length & 1));
            units.Add(new MediaUnit(id, at, Math.Min(8 + padded, bytes.Length - at), at + 4, SizeField.RiffChunk, [0]));
            if (id == "data") payload.Add((at + 8, (int)length));
            at += 8 + padded;
        }
        return (units, payload);
    }

    private static (List<MediaUnit>, List<(int, int)>) ParseJpeg(byte[] bytes)
    {
        var units = new List<MediaUnit>();
        var payload = new List<(int, int)>();
        var at = 2; // after SOI
        while (at + 4 <= bytes.Length && bytes[at] == 0xFF)
        {
            var marker = bytes[at + 1];
            if (marker == 0xD9) break; // EOI
            var length = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at + 2));
            if (at + 2 + length > bytes.Length) break;
            units.Add(new MediaUnit($"FF{marker:X2}", at, length + 2, at + 2, SizeField.JpegSegment, []));
            at += 2 + length;
            if (marker != 0xDA) continue;
            // Entropy-coded data runs to the next marker that is not a stuffed 0x00 or a restart marker.
            var scan = at;
            while (at + 1 < bytes.Length && !(bytes[at] == 0xFF && bytes[at + 1] != 0x00 && bytes[at + 1] is < 0xD0 or > 0xD7)) at++;
            payload.Add((scan, at - scan));
        }
        return (units, payload);
    }

    private static readonly int[] Mp3Bitrates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    private static readonly int[] Mp3SampleRates = [44100, 48000, 32000];

    private static (List<MediaUnit>, List<(int, int)>) ParseMp3(byte[] bytes)
    {
        var units = new List<MediaUnit>();
        var payload = new List<(int, int)>();
        var at = 0;
        if (bytes.Length >= 10 && bytes[0] == 'I' && bytes[1] == 'D' && bytes[2] == '3')
        {
            var size = (bytes[6] & 0x7F) << 21 | (bytes[7] & 0x7F) << 14 | (bytes[8] & 0x7F) << 7 | (bytes[9] & 0x7F);
            units.Add(new MediaUnit("ID3v2", 0, Math.Min(10 + size, bytes.Length), 6, SizeField.Id3Syncsafe, []));
            at = 10 + size;
        }
        // MPEG-1 layer III frames only: what the seeds are made of.
        while (at + 4 <= bytes.Length && bytes[at] == 0xFF && (bytes[at + 1] & 0xFE) == 0xFA)
        {
            var bitrate = (bytes[at + 2] >> 4) & 0xF;
            var rate = (bytes[at + 2] >> 2) & 0x3;
            if (bitrate is 0 or 15 || rate == 3) break;
            var length = 144 * Mp3Bitrates[bitrate] * 1000 / Mp3SampleRates[rate] + ((bytes[at + 2] >> 1) & 1);
            if (at + length > bytes.Length) break;
            units.Add(new MediaUnit("frame", at, length, at + 2, SizeField.None, []));
            payload.Add((at + 4, length - 4));
            at += length;
        }
        return (units, payload);
    }
}
