using static System.FormattableString;

namespace Preflight.Core.Formats.Mp4.IsoBmff;

/// <summary>The first sample description of a track: what codec, and its coded picture or sound format.</summary>
internal sealed record SampleEntry(string Format, int DataReferenceIndex)
{
    public int Width { get; init; }
    public int Height { get; init; }
    public int Channels { get; init; }
    public double SampleRate { get; init; }
    public int SampleSize { get; init; }

    /// <summary>MPEG-4 objectTypeIndication from <c>esds</c> (tells AAC from MP3 inside 'mp4a').</summary>
    public byte? ObjectType { get; init; }
}

internal sealed record Track(
    int Number,
    uint TrackId,
    string Handler,
    int? Rotation,
    double PresentationWidth,
    double PresentationHeight,
    uint Timescale,
    ulong MediaDuration,
    SampleEntry? Entry,
    SampleTable Samples,
    bool SelfContained)
{
    public string Name => Handler switch
    {
        "vide" => Invariant($"track {Number} (video)"),
        "soun" => Invariant($"track {Number} (audio)"),
        _ => Invariant($"track {Number} ('{Handler}')"),
    };
}

/// <summary>Defaults a fragmented file declares per track in <c>mvex/trex</c>.</summary>
internal readonly record struct TrackDefaults(uint SampleDuration, uint SampleSize);

internal sealed record Movie(
    uint Timescale,
    ulong Duration,
    ulong? FragmentDuration,
    bool Fragmented,
    bool Compressed,
    IReadOnlyList<Track> Tracks,
    IReadOnlyDictionary<uint, TrackDefaults> TrackDefaults);

/// <summary>Parses a <c>moov</c> box held in memory into the facts Preflight needs.</summary>
internal static class MovieReader
{
    /// <summary>
    /// Boxes a parent may hold at most once (ISO 14496-12 "Quantity: exactly one / zero or one"). ffmpeg's mov demuxer
    /// refuses a second ctts, stsd, mdhd, mdia or stbl outright, and for the others which copy wins is anyone's guess.
    /// </summary>
    private static readonly Dictionary<string, string[]> SingleInstance = new()
    {
        ["moov"] = ["mvhd", "mvex"],
        ["mvex"] = ["mehd"],
        ["trak"] = ["tkhd", "mdia", "edts"],
        ["mdia"] = ["mdhd", "hdlr", "minf"],
        ["minf"] = ["stbl", "dinf", "vmhd", "smhd"],
        ["dinf"] = ["dref"],
        ["stbl"] = ["stsd", "stts", "ctts", "stss", "stsc", "stsz", "stz2", "stco", "co64", "sdtp"],
    };

    /// <summary>The children of <paramref name="parent"/>, refusing a second copy of a single-instance box.</summary>
    private static List<Box> ChildrenOnce(Box parent)
    {
        var children = parent.Children();
        foreach (var type in SingleInstance[parent.Type])
        {
            var copies = children.Where(c => c.Type == type).ToList();
            if (copies.Count > 1)
            {
                throw new IsoBmffCorruptException(Invariant(
                    $"{parent.Where} holds {copies.Count} '{type}' boxes (at offsets {string.Join(", ", copies.Select(c => c.Offset.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))}) where exactly one is allowed: demuxers refuse the file"));
            }
        }
        return children;
    }

    public static Movie Parse(Box moov)
    {
        var children = ChildrenOnce(moov);

        // Old QuickTime files may zlib-compress the movie header; ffprobe can still read those.
        if (children.Any(c => c.Type == "cmov"))
        {
            return new Movie(0, 0, null, false, true, [], new Dictionary<uint, TrackDefaults>());
        }

        var mvhd = children.Find("mvhd") ?? throw new IsoBmffCorruptException(Invariant($"{moov.Where} has no 'mvhd' (movie header)"));
        var (timescale, duration) = ReadTimes(mvhd);

        var fragmented = false;
        ulong? fragmentDuration = null;
        var defaults = new Dictionary<uint, TrackDefaults>();
        foreach (var mvex in children.Where(c => c.Type == "mvex"))
        {
            fragmented = true;
            foreach (var child in ChildrenOnce(mvex))
            {
                var reader = child.Fields();
                if (child.Type == "mehd")
                {
                    var (version, _) = reader.FullBoxHeader();
                    fragmentDuration = version == 1 ? reader.U64() : reader.U32();
                }
                else if (child.Type == "trex")
                {
                    reader.FullBoxHeader();
                    var trackId = reader.U32();
                    reader.Skip(4);
                    defaults[trackId] = new TrackDefaults(reader.U32(), reader.U32());
                }
            }
        }

        var tracks = new List<Track>();
        foreach (var trak in children.Where(c => c.Type == "trak"))
        {
            tracks.Add(ParseTrack(trak, tracks.Count + 1));
        }
        return new Movie(timescale, duration, fragmentDuration, fragmented, false, tracks, defaults);
    }

    private static Track ParseTrack(Box trak, int number)
    {
        var context = Invariant($"track {number}");
        ChildrenOnce(trak);
        var tkhd = trak.Require("tkhd", context);
        var reader = tkhd.Fields();
        var (version, _) = reader.FullBoxHeader();
        reader.Skip(version == 1 ? 16 : 8);
        var trackId = reader.U32();
        reader.Skip(4 + (version == 1 ? 8 : 4) + 8 + 8);
        Span<int> matrix = stackalloc int[9];
        for (var i = 0; i < 9; i++) matrix[i] = reader.S32();
        var width = reader.U32() / 65536.0;
        var height = reader.U32() / 65536.0;

        var mdia = trak.Require("mdia", context);
        ChildrenOnce(mdia);
        var (timescale, mediaDuration) = ReadTimes(mdia.Require("mdhd", context));
        reader = mdia.Require("hdlr", context).Fields();
        reader.Skip(8);
        var handlerBytes = new byte[4];
        for (var i = 0; i < 4; i++) handlerBytes[i] = reader.U8();
        var handler = FourCc.From(handlerBytes);
        context = handler switch { "vide" => context + " (video)", "soun" => context + " (audio)", _ => context };

        var minf = mdia.Require("minf", context);
        ChildrenOnce(minf);
        var stbl = minf.Require("stbl", context);
        ChildrenOnce(stbl);
        var entry = ReadSampleEntry(stbl.Require("stsd", context), handler);
        var samples = SampleTable.Parse(stbl, context);
        var selfContained = IsSelfContained(minf.Child("dinf"), entry?.DataReferenceIndex ?? 1);

        return new Track(number, trackId, handler, Rotation(matrix), width, height, timescale, mediaDuration, entry, samples, selfContained);
    }

    /// <summary>(timescale, duration) of an <c>mvhd</c> or <c>mdhd</c>.</summary>
    private static (uint Timescale, ulong Duration) ReadTimes(Box box)
    {
        var reader = box.Fields();
        var (version, _) = reader.FullBoxHeader();
        if (version == 1)
        {
            reader.Skip(16);
            var timescale = reader.U32();
            var duration = reader.U64();
            return (timescale, duration == ulong.MaxValue ? 0 : duration);
        }
        else
        {
            reader.Skip(8);
            var timescale = reader.U32();
            var duration = reader.U32();
            // All ones means "unknown".
            return (timescale, duration == uint.MaxValue ? 0 : duration);
        }
    }

    /// <summary>
    /// Clockwise rotation a player applies, from the tkhd matrix (a, b at [0], [1] in 16.16). Null when the
    /// matrix is not a plain right-angle rotation (e.g. a mirror), so width and height stay as coded.
    /// </summary>
    internal static int? Rotation(ReadOnlySpan<int> matrix)
    {
        double a = matrix[0] / 65536.0, b = matrix[1] / 65536.0;
        if (a == 0 && b == 0) return null;
        var degrees = Math.Atan2(b, a) * 180 / Math.PI;
        var rounded = (int)Math.Round(degrees / 90) * 90;
        if (Math.Abs(degrees - rounded) > 1) return null;
        return ((rounded % 360) + 360) % 360;
    }

    private static SampleEntry? ReadSampleEntry(Box stsd, string handler)
    {
        var reader = stsd.Fields();
        reader.FullBoxHeader();
        var count = reader.U32();
        if (count == 0) return null;
        var entries = stsd.Children(8);
        if (entries.Count == 0) return null;

        var box = entries[0];
        reader = box.Fields();
        reader.Skip(6);
        var entry = new SampleEntry(box.Type, reader.U16());
        return handler switch
        {
            "vide" => ReadVisual(box, entry),
            "soun" => ReadAudio(box, entry),
            _ => entry,
        };
    }

    private static SampleEntry ReadVisual(Box box, SampleEntry entry)
    {
        var reader = box.Fields();
        reader.Skip(24);
        return entry with { Width = reader.U16(), Height = reader.U16() };
    }

    private static SampleEntry ReadAudio(Box box, SampleEntry entry)
    {
        var reader = box.Fields();
        reader.Skip(8);
        var version = reader.U16();
        reader.Skip(6);
        int channels = reader.U16();
        int sampleSize = reader.U16();
        reader.Skip(4);
        double sampleRate = reader.U32() >> 16;
        if (version == 2)
        {
            // QuickTime sound description v2: the real rate is a float64, the channel count a uint32.
            reader.Skip(4);
            sampleRate = reader.F64();
            channels = (int)Math.Min(reader.U32(), int.MaxValue);
            reader.Skip(4);
            sampleSize = (int)Math.Min(reader.U32(), int.MaxValue);
        }
        else
        {
            if (version == 1 && Mp4Codecs.IsPcm(entry.Format) && reader.Remaining >= 8)
            {
                // For uncompressed sound, v1's "bytes per packet" is the bytes of one channel's sample (samplesize stays 16).
                reader.Skip(4);
                var bytesPerPacket = reader.U32();
                if (bytesPerPacket is > 0 and <= 8) sampleSize = (int)bytesPerPacket * 8;
            }
        }

        byte? objectType = null;
        int? aacChannels = null;
        if (SoundExtensions(box, version).Esds is { } esds) (objectType, aacChannels) = ReadEsds(esds);

        return entry with { Channels = aacChannels ?? channels, SampleSize = sampleSize, SampleRate = sampleRate, ObjectType = objectType };
    }

    /// <summary>
    /// The extension boxes of a sound sample entry, where its version puts them (QuickTime's v1 adds 16 bytes to the
    /// fields, ISO's AudioSampleEntryV1 does not: both are tried), and its <c>esds</c>: among them (ISO) or inside
    /// QuickTime's 'wave' atom.
    /// </summary>
    internal static (List<Box> Extensions, Box? Esds) SoundExtensions(Box entry, int version)
    {
        int[] starts = version switch { 2 => [64], 1 => [44, 28], _ => [28] };
        foreach (var start in starts)
        {
            var extensions = entry.ChildrenOrEmpty(start);
            if (extensions.Count == 0) continue;
            return (extensions, extensions.Find("esds") ?? extensions.Find("wave")?.ChildrenOrEmpty().Find("esds"));
        }
        return ([], null);
    }

    /// <summary>
    /// objectTypeIndication from ES_Descriptor → DecoderConfigDescriptor, and for AAC the channel count from its
    /// AudioSpecificConfig (ffmpeg writes 2 in every MP4 sound entry, so the entry's own count is not to be trusted).
    /// Nulls when the esds is malformed.
    /// </summary>
    private static (byte? ObjectType, int? Channels) ReadEsds(Box esds)
    {
        var data = esds.Span;
        var pos = 4;
        if (!TryDescriptor(data, ref pos, out var tag) || tag != 0x03) return (null, null);
        pos += 2;
        if (pos >= data.Length) return (null, null);
        var flags = data[pos++];
        if ((flags & 0x80) != 0) pos += 2;
        if ((flags & 0x40) != 0)
        {
            if (pos >= data.Length) return (null, null);
            pos += 1 + data[pos];
        }
        if ((flags & 0x20) != 0) pos += 2;
        if (!TryDescriptor(data, ref pos, out tag) || tag != 0x04 || pos >= data.Length) return (null, null);
        var objectType = data[pos];
        if (objectType is not (0x40 or 0x66 or 0x67 or 0x68)) return (objectType, null);

        pos += 13;
        if (!TryDescriptor(data, ref pos, out tag) || tag != 0x05 || pos + 2 > data.Length) return (objectType, null);
        return (objectType, AacChannels(data[pos..]));
    }

    /// <summary>channelConfiguration of an AudioSpecificConfig (ISO 14496-3 1.6.2.1); null when defined elsewhere (PCE).</summary>
    private static int? AacChannels(ReadOnlySpan<byte> config)
    {
        var bit = 0;
        int Bits(ReadOnlySpan<byte> data, int count)
        {
            var value = 0;
            for (var i = 0; i < count; i++, bit++)
            {
                if (bit / 8 >= data.Length) return -1;
                value = (value << 1) | ((data[bit / 8] >> (7 - (bit % 8))) & 1);
            }
            return value;
        }

        if (Bits(config, 5) == 31) Bits(config, 6);
        if (Bits(config, 4) == 15) Bits(config, 24);
        return Bits(config, 4) switch
        {
            >= 1 and <= 6 and var n => n,
            7 => 8,
            _ => null,
        };
    }

    /// <summary>Reads a descriptor tag and its 1–4 byte length, leaving <paramref name="pos"/> at its body.</summary>
    private static bool TryDescriptor(ReadOnlySpan<byte> data, ref int pos, out byte tag)
    {
        tag = 0;
        if (pos >= data.Length) return false;
        tag = data[pos++];
        for (var i = 0; i < 4; i++)
        {
            if (pos >= data.Length) return false;
            if ((data[pos++] & 0x80) == 0) return true;
        }
        return true;
    }

    /// <summary>False when the sample data lives in another file (a QuickTime reference movie): we cannot check it here.</summary>
    private static bool IsSelfContained(Box? dinf, int dataReferenceIndex)
    {
        // Strict: a data reference that does not parse (a zero-size 'url ' entry) makes demuxers refuse the track.
        if (dinf is not { } info || ChildrenOnce(info).Find("dref") is not { } box) return true;
        var entries = box.Children(8);
        if (dataReferenceIndex < 1 || dataReferenceIndex > entries.Count) return true;
        var entry = entries[dataReferenceIndex - 1].Span;
        return entry.Length < 4 || (entry[3] & 0x01) != 0;
    }
}
