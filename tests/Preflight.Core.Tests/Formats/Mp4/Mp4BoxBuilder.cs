using System.Buffers.Binary;
using System.Text;
using Preflight.Core.Formats.Mp4.IsoBmff;
using Preflight.Core.Tests.Sniffing;

namespace Preflight.Core.Tests.Formats.Mp4;

/// <summary>Builds small synthetic ISO BMFF files box by box, so each test shows exactly which bytes are wrong.</summary>
internal static class Mp4BoxBuilder
{
    public static byte[] Box(string type, params byte[][] parts)
    {
        var payload = parts.SelectMany(p => p).ToArray();
        return [.. U32((uint)(8 + payload.Length)), .. Type(type), .. payload];
    }

    /// <summary>A box written with the 64-bit largesize form (size field = 1).</summary>
    public static byte[] LargeBox(string type, params byte[][] parts)
    {
        var payload = parts.SelectMany(p => p).ToArray();
        return [.. U32(1), .. Type(type), .. U64((ulong)(16 + payload.Length)), .. payload];
    }

    /// <summary>A box header only, declaring any size (to lie about it).</summary>
    public static byte[] Header(uint size, string type) => [.. U32(size), .. Type(type)];

    public static byte[] FullBox(string type, byte version, uint flags, params byte[][] parts) =>
        Box(type, [U32(((uint)version << 24) | flags), .. parts]);

    public static byte[] U16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] U64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return bytes;
    }

    public static byte[] Zeros(int count) => new byte[count];

    public static byte[] Type(string fourcc) => Encoding.Latin1.GetBytes(fourcc);

    public static byte[] Ftyp(string brand = "isom") => Box("ftyp", Type(brand), U32(0x200), Type(brand), Type("mp41"));

    /// <summary>The options of <see cref="Movie"/>: one H.264 video track at 25 fps, all samples in one chunk.</summary>
    public sealed record MovieSpec
    {
        public int Samples { get; init; } = 50;
        public int SampleSize { get; init; } = 100;
        public ushort Width { get; init; } = 640;
        public ushort Height { get; init; } = 360;

        /// <summary>Samples timed by stts; by default the same as <see cref="Samples"/>.</summary>
        public int? TimedSamples { get; init; }
        public bool WithTrack { get; init; } = true;
    }

    /// <summary>A moov whose one chunk starts at <paramref name="chunkOffset"/>.</summary>
    public static byte[] Movie(MovieSpec spec, uint chunkOffset)
    {
        const uint timescale = 25;
        var mvhd = Mvhd((uint)(spec.Samples * 1000 / timescale));
        if (!spec.WithTrack) return Box("moov", mvhd);

        var avc1 = Box("avc1", Zeros(6), U16(1), Zeros(16), U16(spec.Width), U16(spec.Height),
            U32(0x00480000), U32(0x00480000), U32(0), U16(1), Zeros(32), U16(0x18), U16(0xFFFF));
        var trak = Trak("vide", avc1, timescale, spec.Samples, spec.TimedSamples ?? spec.Samples, (uint)spec.SampleSize, chunkOffset, spec.Width, spec.Height);
        return Box("moov", mvhd, trak);
    }

    /// <summary>
    /// A moov with one old-style QuickTime IMA4 sound track (v1 entry, 64 frames per 34-byte packet) whose
    /// 'stsz' says 1 byte per frame, as Apple writes it: <paramref name="frames"/> frames in one chunk.
    /// </summary>
    public static byte[] Ima4Movie(int frames, uint chunkOffset)
    {
        const uint rate = 8000;
        var ima4 = Box("ima4", Zeros(6), U16(1), U16(1), U16(0), U32(0), U16(1), U16(16), U16(0xFFFE), U16(0), U32(rate << 16),
            U32(64), U32(34), U32(34), U32(2));
        var trak = Trak("soun", ima4, rate, frames, frames, 1, chunkOffset, 0, 0);
        return Box("moov", Mvhd((uint)(frames * 1000 / rate)), trak);
    }

    /// <summary>The bytes of <paramref name="frames"/> IMA4 frames (34 bytes per 64 frames).</summary>
    public static int Ima4Bytes(int frames) => (frames + 63) / 64 * 34;

    private static byte[] Mvhd(uint durationMs) => FullBox("mvhd", 0, 0, U32(0), U32(0), U32(1000), U32(durationMs),
        U32(0x00010000), U16(0x0100), Zeros(10), Matrix(), Zeros(24), U32(2));

    private static byte[] Trak(string handler, byte[] sampleEntry, uint timescale, int samples, int timedSamples,
        uint sampleSize, uint chunkOffset, ushort width, ushort height)
    {
        var tkhd = FullBox("tkhd", 0, 3, U32(0), U32(0), U32(1), U32(0), U32((uint)((long)samples * 1000 / timescale)),
            Zeros(8), U16(0), U16(0), U16(0), U16(0), Matrix(), U32((uint)width << 16), U32((uint)height << 16));
        var mdhd = FullBox("mdhd", 0, 0, U32(0), U32(0), U32(timescale), U32((uint)samples), U16(0x55C4), U16(0));
        var hdlr = FullBox("hdlr", 0, 0, U32(0), Type(handler), Zeros(12), [.. Encoding.ASCII.GetBytes("Handler"), 0]);
        var stsd = FullBox("stsd", 0, 0, U32(1), sampleEntry);
        var stts = FullBox("stts", 0, 0, U32(1), U32((uint)timedSamples), U32(1));
        var stsc = FullBox("stsc", 0, 0, U32(1), U32(1), U32((uint)samples), U32(1));
        var stsz = FullBox("stsz", 0, 0, U32(sampleSize), U32((uint)samples));
        var stco = FullBox("stco", 0, 0, U32(1), U32(chunkOffset));
        var dref = FullBox("dref", 0, 0, U32(1), FullBox("url ", 0, 1));
        var mediaHeader = handler == "vide" ? FullBox("vmhd", 0, 1, Zeros(8)) : FullBox("smhd", 0, 0, Zeros(4));
        var minf = Box("minf", mediaHeader, Box("dinf", dref), Box("stbl", stsd, stts, stsc, stsz, stco));
        return Box("trak", tkhd, Box("mdia", mdhd, hdlr, minf));
    }

    /// <summary>ftyp + moov + mdat (or ftyp + mdat + moov), with the chunk offset pointing at the mdat payload.</summary>
    public static byte[] File(MovieSpec spec, bool faststart = true)
    {
        var ftyp = Ftyp();
        var mdat = Box("mdat", Zeros(spec.Samples * spec.SampleSize));
        if (faststart)
        {
            var moovLength = Movie(spec, 0).Length;
            return [.. ftyp, .. Movie(spec, (uint)(ftyp.Length + moovLength + 8)), .. mdat];
        }
        return [.. ftyp, .. mdat, .. Movie(spec, (uint)(ftyp.Length + 8))];
    }

    public static byte[] File() => File(new MovieSpec());

    private static byte[] Matrix() =>
        [.. U32(0x00010000), .. U32(0), .. U32(0), .. U32(0), .. U32(0x00010000), .. U32(0), .. U32(0), .. U32(0), .. U32(0x40000000)];
}
