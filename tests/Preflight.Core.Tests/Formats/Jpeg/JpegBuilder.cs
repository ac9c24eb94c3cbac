namespace Preflight.Core.Tests.Formats.Jpeg;

/// <summary>
/// Builds JPEG marker structure (not decodable images): enough to exercise the structure walk,
/// including progressive files with many scans, stuffed FF 00 bytes and restart markers.
/// </summary>
internal sealed class JpegBuilder
{
    private readonly MemoryStream _bytes = new();

    public JpegBuilder Soi() => Raw(0xFF, 0xD8);

    public JpegBuilder Eoi() => Raw(0xFF, 0xD9);

    public JpegBuilder Segment(byte marker, byte[] payload, int? declaredLength = null)
    {
        var length = declaredLength ?? payload.Length + 2;
        Raw(0xFF, marker, (byte)(length >> 8), (byte)length);
        return Raw(payload);
    }

    /// <summary>SOFn with the given size and three components.</summary>
    public JpegBuilder Frame(int width, int height, byte marker = 0xC0) =>
        Segment(marker, [8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);

    /// <summary>SOS header plus entropy-coded data that contains stuffed bytes and restart markers.</summary>
    public JpegBuilder Scan(int dataBytes = 64)
    {
        Segment(0xDA, [1, 1, 0, 0, 63, 0]);
        for (var i = 0; i < dataBytes; i++)
        {
            Raw((byte)(i * 37 % 255));
            if (i % 16 == 5) Raw(0xFF, 0x00);            // stuffed FF data byte
            if (i % 32 == 31) Raw(0xFF, (byte)(0xD0 + i / 32 % 8)); // RSTn
        }
        return this;
    }

    public JpegBuilder Tables() => Segment(0xDB, new byte[65]).Segment(0xC4, new byte[29]);

    public JpegBuilder Raw(params byte[] bytes)
    {
        _bytes.Write(bytes);
        return this;
    }

    public static byte[] Baseline() =>
        new JpegBuilder().Soi().Segment(0xE0, "JFIF\0\u0001\u0001\0\0\u0001\0\u0001\0\0"u8.ToArray()).Tables().Frame(640, 480).Scan().Eoi().ToArray();

    public static byte[] Progressive() =>
        new JpegBuilder().Soi().Tables().Frame(64, 48, marker: 0xC2).Scan(40).Segment(0xC4, new byte[20]).Scan(80).Scan(30).Eoi().ToArray();

    public byte[] ToArray() => _bytes.ToArray();
}
