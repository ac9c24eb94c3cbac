using System.Text;

namespace Preflight.Core.Tests.Sniffing;

/// <summary>Synthetic byte layouts for the detectors: just the structure each one looks at, padded with zeros.</summary>
internal static class Samples
{
    public static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    public static byte[] Pad(byte[] prefix, int length)
    {
        var result = new byte[Math.Max(length, prefix.Length)];
        prefix.CopyTo(result, 0);
        return result;
    }

    public static byte[] BigEndian(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    public static byte[] LittleEndian(uint value) => [(byte)value, (byte)(value >> 8), (byte)(value >> 16), (byte)(value >> 24)];

    /// <summary>An 'ftyp' box followed by an empty 'mdat'.</summary>
    public static byte[] Ftyp(string major, params string[] compatible)
    {
        var size = (uint)(16 + 4 * compatible.Length);
        return Concat(BigEndian(size), Ascii("ftyp"), Ascii(major), [0, 0, 2, 0],
            Concat(compatible.Select(Ascii).ToArray()), BigEndian(8), Ascii("mdat"));
    }

    public static byte[] Atom(string type, int payload) => Concat(BigEndian((uint)(8 + payload)), Ascii(type), new byte[payload]);

    /// <summary>An EBML header carrying the given DocType (or none), followed by a Segment ID.</summary>
    public static byte[] Ebml(string? docType)
    {
        var body = new List<byte> { 0x42, 0x86, 0x81, 0x01 }; // EBMLVersion 1
        body.AddRange([0x42, 0xF7, 0x81, 0x01]); // EBMLReadVersion 1
        if (docType is not null)
        {
            body.AddRange([0x42, 0x82, (byte)(0x80 | docType.Length)]);
            body.AddRange(Ascii(docType));
        }
        body.AddRange([0x42, 0x87, 0x81, 0x04, 0x42, 0x85, 0x81, 0x02]);
        return Concat([0x1A, 0x45, 0xDF, 0xA3, (byte)(0x80 | body.Count)], body.ToArray(), [0x18, 0x53, 0x80, 0x67, 0x01, 0xFF]);
    }

    /// <summary>A 4x2, 24-bit uncompressed TGA (type 2), with or without the TGA 2.0 footer.</summary>
    public static byte[] Tga(bool footer)
    {
        byte[] header = [0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 2, 0, 24, 0];
        var pixels = new byte[4 * 2 * 3];
        return footer ? Concat(header, pixels, new byte[8], Ascii("TRUEVISION-XFILE.\0")) : Concat(header, pixels);
    }

    public static byte[] Riff(string id, string form) => Pad(Concat(Ascii(id), LittleEndian(1000), Ascii(form), Ascii("fmt ")), 64);

    /// <summary>MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417-byte frames with header FF FB 90 00.</summary>
    public static byte[] Mp3Frames(int count, byte[]? header = null)
    {
        header ??= [0xFF, 0xFB, 0x90, 0x00];
        var frame = Pad(header, Mp3FrameLength);
        return Concat(Enumerable.Repeat(frame, count).ToArray());
    }

    public const int Mp3FrameLength = 417;

    /// <summary>An ID3v2 tag whose body is <paramref name="bodySize"/> bytes (syncsafe size), optionally with a v2.4 footer.</summary>
    public static byte[] Id3(int bodySize, byte version = 4, bool footer = false)
    {
        byte[] header = [(byte)'I', (byte)'D', (byte)'3', version, 0, (byte)(footer ? 0x10 : 0),
            (byte)((bodySize >> 21) & 0x7F), (byte)((bodySize >> 14) & 0x7F), (byte)((bodySize >> 7) & 0x7F), (byte)(bodySize & 0x7F)];
        var body = new byte[bodySize];
        if (bodySize >= 4) Ascii("TIT2").CopyTo(body, 0);
        byte[] foot = footer ? [(byte)'3', (byte)'D', (byte)'I', version, 0, 0x10, header[6], header[7], header[8], header[9]] : [];
        return Concat(header, body, foot);
    }

    /// <summary>Only the 10-byte header of an ID3v2.4 tag declaring <paramref name="bodySize"/> bytes.</summary>
    public static byte[] Id3Header(int bodySize) => [(byte)'I', (byte)'D', (byte)'3', 4, 0, 0,
        (byte)((bodySize >> 21) & 0x7F), (byte)((bodySize >> 14) & 0x7F), (byte)((bodySize >> 7) & 0x7F), (byte)(bodySize & 0x7F)];

    /// <summary>ADTS frames: MPEG-4 AAC LC, 44.1 kHz, stereo, no CRC, each <paramref name="frameLength"/> bytes.</summary>
    public static byte[] AdtsFrames(int count, int frameLength = 200)
    {
        byte[] header = [0xFF, 0xF1, 0x50, (byte)(0x80 | ((frameLength >> 11) & 0x03)), (byte)((frameLength >> 3) & 0xFF),
            (byte)(((frameLength & 0x07) << 5) | 0x1F), 0xFC];
        return Concat(Enumerable.Repeat(Pad(header, frameLength), count).ToArray());
    }

    /// <summary><paramref name="packets"/> transport stream packets of <paramref name="size"/> bytes (M2TS: 192 with a 4-byte timecode).</summary>
    public static byte[] TsPackets(int packets, int size = 188)
    {
        var data = new byte[packets * size];
        for (var i = 0; i < packets; i++) data[i * size + (size - 188)] = 0x47;
        return data;
    }

    public static byte[] Bmp(uint dibSize = 40, ushort planes = 1)
    {
        var data = new byte[14 + dibSize + 16];
        data[0] = (byte)'B';
        data[1] = (byte)'M';
        LittleEndian((uint)data.Length).CopyTo(data, 2);
        LittleEndian(14 + dibSize).CopyTo(data, 10);
        LittleEndian(dibSize).CopyTo(data, 14);
        var planesAt = dibSize == 12 ? 22 : 26;
        data[planesAt] = (byte)planes;
        data[planesAt + 1] = (byte)(planes >> 8);
        return data;
    }

    public static byte[] Random(int length, int seed)
    {
        var data = new byte[length];
        new System.Random(seed).NextBytes(data);
        return data;
    }
}
