using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Preflight.Core.Formats.Mp4;
using Preflight.Core.Formats.Mp4.IsoBmff;

namespace Preflight.Core.Remediation;

/// <summary>
/// A stream-copy remux of an ISO BMFF file (a MOV or M4V, or an MP4 whose index comes last) to a faststart MP4, in
/// process: the index (<c>moov</c>) is rewritten for MP4 and written first, then the sample data of the kept tracks is
/// copied once in its original order, hashed as it is written. For the files it accepts it does what
/// <c>ffmpeg -map 0:v:0 -map 0:a:0? -c copy -movflags +faststart -f mp4</c> does (the same samples, timestamps and edit
/// lists), without starting ffmpeg and without reading the output back to hash it. A file it does not fully understand
/// (another track, several sample descriptions, data in another file, fragments, a codec other than H.264/HEVC video
/// and MPEG-4 audio, encryption) is declined, and ffmpeg does the remux.
/// </summary>
internal static class Mp4StreamCopy
{
    /// <summary>What was written: the output's SHA-256 (lower-case hex) and size.</summary>
    internal sealed record Written(string Sha256, long Bytes);

    private static readonly HashSet<string> VideoEntries = ["avc1", "avc3", "hvc1", "hev1"];

    /// <summary>QuickTime's language code 0 is English; other Macintosh codes and "unspecified" become 'und'.</summary>
    private const ushort English = ('e' - 0x60) << 10 | ('n' - 0x60) << 5 | ('g' - 0x60);
    private const ushort Undetermined = ('u' - 0x60) << 10 | ('n' - 0x60) << 5 | ('d' - 0x60);

    private const int CopyBlock = 1 << 20;

    /// <summary>
    /// Writes the remuxed file to <paramref name="outputPath"/> (through a temp name in the same folder, so it never
    /// exists half-written) and returns its hash, or null when the input is not one this rewriter accepts.
    /// </summary>
    public static Task<Written?> TryWriteAsync(string inputPath, string outputPath, CancellationToken cancellationToken) =>
        Task.Run(() => TryWrite(inputPath, outputPath, cancellationToken), cancellationToken);

    private static Written? TryWrite(string inputPath, string outputPath, CancellationToken cancellationToken)
    {
        using var input = new FileStream(inputPath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);
        Layout? layout;
        try
        {
            layout = Plan(input);
        }
        catch (Exception e) when (e is IsoBmffCorruptException or EndOfStreamException or OverflowException
                                      or ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            // The inspection already read this index; anything odd here is left to ffmpeg, whose output is re-inspected.
            return null;
        }
        if (layout is null) return null;

        var temp = outputPath + ".part";
        try
        {
            var written = Copy(input.SafeFileHandle, layout, temp, cancellationToken);
            File.Move(temp, outputPath, overwrite: true);
            return written;
        }
        catch
        {
            try { File.Delete(temp); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>A run of input bytes copied as one block (adjacent chunks merged).</summary>
    private readonly record struct Run(long From, long Length);

    /// <summary>Everything before the sample data (ftyp, moov, the mdat header) and the input runs that follow it.</summary>
    private sealed record Layout(byte[] Head, IReadOnlyList<Run> Runs, long DataBytes);

    /// <summary>One chunk of a kept track and where it is in the input.</summary>
    private readonly record struct Chunk(int Track, int Index, long Offset, long Size);

    /// <summary>
    /// Most chunks rewritten in process (a 2-hour 60 fps file with a chunk per frame has ~0.9 million); a hostile index
    /// can list 16 million in 64 MB, which is ffmpeg's to handle under its memory cap.
    /// </summary>
    internal const int MaxChunks = 4_000_000;

    private static Layout? Plan(FileStream input)
    {
        var length = input.Length;
        var top = TopLevelWalker.Walk(input, length);
        // Bytes after the last whole box are dropped (no chunk points there); a cut or damaged box is ffmpeg's to judge.
        if ((top.Problem is not null && top.TrailingFrom is null) || top.MoofCount > 0) return null;
        var moovs = top.Boxes.Where(b => b.Type == "moov").ToList();
        if (moovs.Count != 1) return null;
        var moov = BoxLoader.Load(input, moovs[0], Mp4Prober.MaxMoovBytes);
        var movie = MovieReader.Parse(moov);
        if (movie.Fragmented || movie.Compressed) return null;

        // ffmpeg's "-map 0:v:0 -map 0:a:0?": the first video and audio tracks. Any other track declines, so nothing
        // the file holds is silently dropped and no track reference can point at a missing track.
        var video = movie.Tracks.Where(t => t.Handler == "vide").ToList();
        var audio = movie.Tracks.Where(t => t.Handler == "soun").ToList();
        if (video.Count != 1 || audio.Count > 1 || video.Count + audio.Count != movie.Tracks.Count) return null;
        if (movie.Tracks.Any(t => !t.SelfContained || t.Entry is null)) return null;
        if (!VideoEntries.Contains(video[0].Entry!.Format)) return null;
        if (audio.Count == 1 && audio[0].Entry!.Format != "mp4a") return null;
        // ffmpeg writes the mapped video first; an audio track before it would swap the stream order.
        if (movie.Tracks[0].Handler != "vide") return null;
        // A track without samples is left out of ffmpeg's output (an MP4 track with no samples is no stream to play).
        if (movie.Tracks.Any(t => t.Samples.SampleCount == 0)) return null;
        // Old QuickTime sound sizes count frames, not bytes: the chunks' extents are unknown here.
        if (movie.Tracks.Any(t => t.Samples.SizesAreFramesNotBytes(t.Handler))) return null;
        // ffmpeg skips empty samples and samples whose description does not exist: its remux has fewer packets.
        if (movie.Tracks.Any(t => t.Samples.HasEmptySample() || !t.Samples.UsesOnlyTheFirstDescription())) return null;
        // ffmpeg reads a timescale past 2^31 as invalid, and writes an audio track's timescale as its sample rate.
        if (movie.Tracks.Any(t => t.Timescale > int.MaxValue)) return null;
        if (audio.Count == 1 && audio[0].Timescale != audio[0].Entry!.SampleRate) return null;
        if (!DurationsMatchTheSamples(moov, movie)) return null;

        if (movie.Tracks.Sum(t => (long)t.Samples.ChunkCount) > MaxChunks) return null;
        var chunks = new List<Chunk>();
        var offsets = new long[movie.Tracks.Count][];
        for (var t = 0; t < movie.Tracks.Count; t++)
        {
            var track = t;
            var index = 0;
            movie.Tracks[t].Samples.ForEachChunk((offset, size) =>
                chunks.Add(new Chunk(track, index++, checked((long)offset), checked((long)size))));
            offsets[t] = new long[index];
        }

        // The data is copied in file order (keeping the input's interleaving), merged into runs of adjacent chunks;
        // each chunk's offset in the output's data is where the copy has got to.
        chunks.Sort((a, b) => a.Offset != b.Offset ? a.Offset.CompareTo(b.Offset)
            : a.Track != b.Track ? a.Track.CompareTo(b.Track) : a.Index.CompareTo(b.Index));
        var runs = new List<Run>();
        long position = 0, previousEnd = 0;
        foreach (var chunk in chunks)
        {
            offsets[chunk.Track][chunk.Index] = position;
            if (chunk.Size == 0) continue;
            if (chunk.Offset < previousEnd || chunk.Offset > length - chunk.Size) return null;
            if (runs.Count > 0 && runs[^1].From + runs[^1].Length == chunk.Offset)
                runs[^1] = runs[^1] with { Length = runs[^1].Length + chunk.Size };
            else
                runs.Add(new Run(chunk.Offset, chunk.Size));
            position += chunk.Size;
            previousEnd = chunk.Offset + chunk.Size;
        }
        var dataBytes = position;

        var ftyp = Ftyp(video[0].Entry!.Format);
        var wide = dataBytes > uint.MaxValue - Mp4Prober.MaxMoovBytes;
        var mdatHeader = dataBytes + 8 > uint.MaxValue ? 16 : 8;
        // Chunk offsets are absolute: built once to learn the moov's size (which does not depend on them), then for real.
        var sized = Moov(moov, movie, offsets, dataStart: 0, wide);
        if (sized is null) return null;
        var dataStart = ftyp.Length + sized.Length + mdatHeader;
        var moovBytes = Moov(moov, movie, offsets, dataStart, wide)!;

        var head = new byte[ftyp.Length + moovBytes.Length + mdatHeader];
        ftyp.CopyTo(head, 0);
        moovBytes.CopyTo(head, ftyp.Length);
        var mdat = head.AsSpan(ftyp.Length + moovBytes.Length);
        if (mdatHeader == 16)
        {
            BinaryPrimitives.WriteUInt32BigEndian(mdat, 1);
            "mdat"u8.CopyTo(mdat[4..]);
            BinaryPrimitives.WriteUInt64BigEndian(mdat[8..], (ulong)(dataBytes + 16));
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(mdat, (uint)(dataBytes + 8));
            "mdat"u8.CopyTo(mdat[4..]);
        }
        return new Layout(head, runs, dataBytes);
    }

    /// <summary>
    /// Whether the durations copied as they are agree with the samples (within 0.1 s): the check reads the movie's
    /// length from the mvhd and a track's frame rate from its mdhd, and ffmpeg writes both from the samples, so a
    /// header that says 1 s of a 10-minute file would pass a length limit here that ffmpeg's output is held to.
    /// </summary>
    private static bool DurationsMatchTheSamples(Box moov, Movie movie)
    {
        if (movie.Timescale == 0) return false;
        var traks = moov.Children().Where(c => c.Type == "trak").ToList();
        ulong longest = 0;
        for (var t = 0; t < movie.Tracks.Count; t++)
        {
            var track = movie.Tracks[t];
            if (track.Timescale == 0) return false;
            var samples = track.Samples.TotalDelta;
            if (track.MediaDuration != 0 && Distance(track.MediaDuration, samples) > track.Timescale / 10) return false;
            // The track's length in the movie: its edits (checked to cover the samples), else its samples.
            ulong length = 0;
            if (traks[t].Child("edts")?.Child("elst") is { } elst)
            {
                foreach (var edit in Edits(elst)) length = checked(length + edit.Duration);
            }
            if (length == 0) length = (ulong)((UInt128)samples * movie.Timescale / track.Timescale);
            longest = Math.Max(longest, length);
        }
        return movie.Duration == 0 || Distance(movie.Duration, longest) <= movie.Timescale / 10;

        static ulong Distance(ulong a, ulong b) => a > b ? a - b : b - a;
    }

    /// <summary>The brands ffmpeg's MP4 muxer writes.</summary>
    private static byte[] Ftyp(string videoEntry)
    {
        var box = new BoxWriter();
        box.Open("ftyp");
        box.FourCc("isom");
        box.U32(0x200);
        box.FourCc("isom");
        box.FourCc("iso2");
        if (videoEntry is "avc1" or "avc3") box.FourCc("avc1");
        box.FourCc("mp41");
        box.Close();
        return box.ToArray();
    }

    /// <summary>The moov for MP4, or null when a box it must rewrite is not one it understands.</summary>
    private static byte[]? Moov(Box moov, Movie movie, long[][] offsets, long dataStart, bool wide)
    {
        var box = new BoxWriter();
        box.Open("moov");
        var track = 0;
        foreach (var child in moov.Children())
        {
            switch (child.Type)
            {
                case "mvhd" or "udta" or "meta":
                    box.Raw(child);
                    break;
                case "trak":
                    if (!Trak(box, child, movie.Tracks[track], movie.Timescale, offsets[track], dataStart, wide)) return null;
                    track++;
                    break;
                // 'iods' and QuickTime-only atoms (clipping, color tables, preview) have no place in the output.
            }
        }
        box.Close();
        return box.ToArray();
    }

    private static bool Trak(BoxWriter box, Box trak, Track track, uint movieTimescale, long[] offsets, long dataStart, bool wide)
    {
        box.Open("trak");
        foreach (var child in trak.Children())
        {
            switch (child.Type)
            {
                case "tkhd":
                    box.Raw(child, EnabledTrackHeader(child));
                    break;
                case "edts":
                    if (!EditsKeepEverySample(child, trak, track, movieTimescale)) return false;
                    box.Raw(child);
                    break;
                case "udta" or "meta":
                    box.Raw(child);
                    break;
                case "mdia":
                    if (!Mdia(box, child, track, offsets, dataStart, wide)) return false;
                    break;
                // 'tref' (only this file's dropped kinds of track use it here), 'tapt', 'load', 'clip', 'matt': QuickTime's.
            }
        }
        box.Close();
        return true;
    }

    /// <summary>
    /// The tkhd with the track enabled and in the movie, as ffmpeg writes the first track of each kind: a QuickTime track
    /// left disabled is one players (QuickTime, Safari) do not play.
    /// </summary>
    private static byte[] EnabledTrackHeader(Box tkhd)
    {
        var payload = tkhd.Payload.ToArray();
        if (payload.Length < 4) throw new IsoBmffCorruptException($"{tkhd.Where} is too short for its fields");
        payload[3] |= 0x03;
        return payload;
    }

    /// <summary>The entries of an 'elst': duration (movie timescale), media time (-1: an empty edit) and rate (16.16).</summary>
    private static List<(ulong Duration, long MediaTime, uint Rate)> Edits(Box elst)
    {
        var fields = elst.Fields();
        var (version, _) = fields.FullBoxHeader();
        var count = fields.U32();
        fields.NeedEntries(count, version == 1 ? 20 : 12, "edits");
        var edits = new List<(ulong, long, uint)>((int)count);
        for (var i = 0; i < count; i++)
            edits.Add(version == 1 ? (fields.U64(), (long)fields.U64(), fields.U32()) : (fields.U32(), fields.S32(), fields.U32()));
        return edits;
    }

    /// <summary>
    /// Whether ffmpeg's demuxer keeps every sample of the track under its edit list, so that the samples and the 'edts'
    /// copied here are what its remux writes: no edits, or an optional empty edit (a delayed start) and then one edit at
    /// normal speed that starts no later than the track's first picture (video: the first sample's composition offset;
    /// audio: within the second of priming ffmpeg keeps) and lasts into its last sample. ffmpeg drops the samples a trim
    /// leaves out, repeats those an edit repeats and re-times a dwell or a speed change: those files are ffmpeg's.
    /// </summary>
    private static bool EditsKeepEverySample(Box edts, Box trak, Track track, uint movieTimescale)
    {
        var lists = edts.Children();
        if (lists.Count == 0) return true;
        if (lists.Count != 1 || lists[0].Type != "elst" || movieTimescale == 0 || track.Timescale == 0) return false;
        var edits = Edits(lists[0]);
        if (edits.Count == 0) return true;
        if (edits.Count > 2) return false;
        if (edits.Count == 2 && edits[0].MediaTime != -1) return false;
        var (duration, start, rate) = edits[^1];
        if (start < 0 || rate != 0x00010000) return false;

        var stbl = trak.Require("mdia", "edits").Require("minf", "edits").Require("stbl", "edits");
        // Where the first sample is presented (its composition offset) and how long the last one lasts.
        long shift = 0;
        if (stbl.Child("ctts") is { } ctts)
        {
            var offsets = ctts.Fields();
            offsets.FullBoxHeader();
            if (offsets.U32() > 0)
            {
                offsets.Skip(4);
                shift = Math.Max(0, offsets.S32());
            }
        }
        var times = stbl.Require("stts", "edits").Fields();
        times.FullBoxHeader();
        var entries = times.U32();
        if (entries == 0) return false;
        times.NeedEntries(entries, 8, "time-to-sample entries");
        times.Skip(checked((int)(entries - 1) * 8 + 4));
        long lastDelta = times.U32();

        if (start > (track.Handler == "vide" ? shift : track.Timescale - 1)) return false;
        // The edit's end in the track's timescale, rounded as ffmpeg rescales it.
        var end = start + ((Int128)duration * track.Timescale + movieTimescale / 2) / movieTimescale;
        return end > (Int128)track.Samples.TotalDelta - lastDelta + shift;
    }

    private static bool Mdia(BoxWriter box, Box mdia, Track track, long[] offsets, long dataStart, bool wide)
    {
        box.Open("mdia");
        foreach (var child in mdia.Children())
        {
            switch (child.Type)
            {
                case "mdhd":
                    if (MediaHeader(child) is not { } header) return false;
                    box.Raw(child, header);
                    break;
                case "hdlr":
                    Handler(box, track.Handler);
                    break;
                case "minf":
                    if (!Minf(box, child, track, offsets, dataStart, wide)) return false;
                    break;
            }
        }
        box.Close();
        return true;
    }

    /// <summary>
    /// The mdhd with its language as ISO 639-2 (QuickTime stores a Macintosh language code there), or null for a code
    /// ffmpeg reads as another language than this would write: a Macintosh code other than English (ffmpeg maps French,
    /// German, … to their ISO codes) or a packed code with its top bit set or a non-letter in it.
    /// </summary>
    private static byte[]? MediaHeader(Box mdhd)
    {
        var payload = mdhd.Payload.ToArray();
        var at = payload[0] == 1 ? 32 : 20;
        if (payload.Length < at + 2) throw new IsoBmffCorruptException($"{mdhd.Where} is too short for its fields");
        var language = BinaryPrimitives.ReadUInt16BigEndian(payload.AsSpan(at));
        // A packed ISO code has three letters a–z (each 1–26 in 5 bits); 0 is QuickTime's English, 0x7FFF its "unspecified".
        var iso = (language & 0x8000) == 0 && Letter(language >> 10) && Letter(language >> 5) && Letter(language);
        if (iso) return payload;
        if (language is not (0 or 0x7FFF)) return null;
        BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(at), language == 0 ? English : Undetermined);
        return payload;

        static bool Letter(int code) => (code & 0x1F) is >= 1 and <= 26;
    }

    /// <summary>An MP4 handler box (QuickTime's names a component type and a counted string, MP4's neither).</summary>
    private static void Handler(BoxWriter box, string handler)
    {
        box.Open("hdlr");
        box.U32(0);
        box.U32(0);
        box.FourCc(handler);
        box.Zeros(12);
        box.Bytes(Encoding.ASCII.GetBytes(handler == "vide" ? "VideoHandler\0" : "SoundHandler\0"));
        box.Close();
    }

    private static bool Minf(BoxWriter box, Box minf, Track track, long[] offsets, long dataStart, bool wide)
    {
        box.Open("minf");
        var header = minf.Child(track.Handler == "vide" ? "vmhd" : "smhd");
        if (header is null) return false;
        box.Raw(header.Value);
        // One self-contained data reference (the data is in this file), which every sample entry then names.
        box.Open("dinf");
        box.Open("dref");
        box.U32(0);
        box.U32(1);
        box.Open("url ");
        box.U32(1);
        box.Close();
        box.Close();
        box.Close();
        var stbl = minf.Child("stbl");
        if (stbl is null || !Stbl(box, stbl.Value, track, offsets, dataStart, wide)) return false;
        box.Close();
        return true;
    }

    private static bool Stbl(BoxWriter box, Box stbl, Track track, long[] offsets, long dataStart, bool wide)
    {
        var children = stbl.Children();
        // Both kinds of chunk offsets or of sample sizes: the chunks were found with one, a player may read the other.
        if ((children.Find("stco") is not null && children.Find("co64") is not null)
            || (children.Find("stsz") is not null && children.Find("stz2") is not null)) return false;
        box.Open("stbl");
        foreach (var child in children)
        {
            switch (child.Type)
            {
                case "stsd":
                    if (!SampleDescription(box, child, track.Handler)) return false;
                    break;
                case "stco" or "co64":
                    box.Open(wide ? "co64" : "stco");
                    box.U32(0);
                    box.U32((uint)offsets.Length);
                    foreach (var offset in offsets)
                    {
                        if (wide) box.U64((ulong)(dataStart + offset));
                        else box.U32(checked((uint)(dataStart + offset)));
                    }
                    box.Close();
                    break;
                default:
                    // Timing, sizes, sync samples, composition offsets, sample groups: the samples are the same.
                    box.Raw(child);
                    break;
            }
        }
        box.Close();
        return true;
    }

    private static bool SampleDescription(BoxWriter box, Box stsd, string handler)
    {
        var reader = stsd.Fields();
        reader.FullBoxHeader();
        if (reader.U32() != 1) return false;
        var entries = stsd.Children(8);
        if (entries.Count != 1) return false;
        var entry = entries[0];
        box.Open("stsd");
        box.U32(0);
        box.U32(1);
        var ok = handler == "vide" ? VisualEntry(box, entry) : AudioEntry(box, entry);
        box.Close();
        return ok;
    }

    /// <summary>
    /// The same entry, naming data reference 1, with QuickTime's vendor and quality fields zeroed (reserved in MP4); false
    /// when its decoder configuration is missing or malformed (ffmpeg drops such a video stream, which a check fails).
    /// </summary>
    private static bool VisualEntry(BoxWriter box, Box entry)
    {
        const int fixedFields = 78;
        if (entry.Payload.Length < fixedFields) return false;
        var avc = entry.Type is "avc1" or "avc3";
        // avc3/hev1 may carry their parameter sets in the samples instead.
        var inBand = entry.Type is "avc3" or "hev1";
        if (entry.ChildrenOrEmpty(fixedFields).Find(avc ? "avcC" : "hvcC") is not { } config
            || !(avc ? AvcConfigIsWhole(config.Span, inBand) : HevcConfigIsWhole(config.Span, inBand)))
            return false;
        var payload = entry.Payload.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(6), 1);
        payload.AsSpan(8, 16).Clear();
        box.Raw(entry, payload);
        return true;
    }

    /// <summary>
    /// An AVCDecoderConfigurationRecord (ISO 14496-15 5.3.3.1) whose parameter sets fit it: version 1, each set as long
    /// as it says, and at least one SPS and one PPS unless they travel in the samples.
    /// </summary>
    private static bool AvcConfigIsWhole(ReadOnlySpan<byte> config, bool inBand)
    {
        if (config.Length < 7 || config[0] != 1) return false;
        var at = 5;
        foreach (var mask in new[] { 0x1F, 0xFF })
        {
            if (at >= config.Length) return false;
            var count = config[at++] & mask;
            if ((count == 0 && !inBand) || !SkipNalUnits(config, ref at, count)) return false;
        }
        return true;
    }

    /// <summary>Moves past <paramref name="count"/> length-prefixed NAL units (2-byte lengths); false when one does not fit.</summary>
    private static bool SkipNalUnits(ReadOnlySpan<byte> config, ref int at, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (at + 2 > config.Length) return false;
            var length = BinaryPrimitives.ReadUInt16BigEndian(config[at..]);
            at += 2;
            if (length == 0 || at + length > config.Length) return false;
            at += length;
        }
        return true;
    }

    /// <summary>
    /// An HEVCDecoderConfigurationRecord (ISO 14496-15 8.3.3.1) whose NAL unit arrays fit it, with at least one NAL unit
    /// unless they travel in the samples.
    /// </summary>
    private static bool HevcConfigIsWhole(ReadOnlySpan<byte> config, bool inBand)
    {
        if (config.Length < 23 || config[0] != 1) return false;
        var arrays = config[22];
        var at = 23;
        var units = 0;
        for (var a = 0; a < arrays; a++)
        {
            if (at + 3 > config.Length) return false;
            var count = BinaryPrimitives.ReadUInt16BigEndian(config[(at + 1)..]);
            at += 3;
            if (!SkipNalUnits(config, ref at, count)) return false;
            units += count;
        }
        return inBand || units > 0;
    }

    /// <summary>
    /// An ISO AudioSampleEntry (version 0) carrying the stream's <c>esds</c>. QuickTime writes a version 1 sound
    /// description with the esds inside a 'wave' atom, which MP4 readers other than ffmpeg do not look into.
    /// </summary>
    private static bool AudioEntry(BoxWriter box, Box entry)
    {
        var fields = entry.Fields();
        fields.Skip(8);
        var version = fields.U16();
        fields.Skip(6);
        var channels = fields.U16();
        fields.Skip(6);
        var rate = fields.U32();
        // QuickTime's v2 (rates over 65,535 Hz, which an MP4 sound entry's 16.16 field cannot hold) is left to ffmpeg.
        if (version > 1) return false;
        var (extensions, esds) = MovieReader.SoundExtensions(entry, version);
        if (esds is null || rate == 0) return false;

        box.Open(entry.Type);
        box.Zeros(6);
        box.U16(1);
        box.Zeros(8);
        box.U16(channels);
        box.U16(16);
        box.Zeros(4);
        box.U32(rate);
        box.Raw(esds.Value);
        if (extensions.Find("btrt") is { } btrt) box.Raw(btrt);
        box.Close();
        return true;
    }

    /// <summary>Writes the head and every run to <paramref name="path"/>, hashing what it writes.</summary>
    private static Written Copy(SafeFileHandle input, Layout layout, string path, CancellationToken cancellationToken)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        output.SetLength(layout.Head.Length + layout.DataBytes);
        sha.AppendData(layout.Head);
        output.Write(layout.Head);
        var buffer = new byte[(int)Math.Min(CopyBlock, Math.Max(layout.DataBytes, 1))];
        foreach (var run in layout.Runs)
        {
            for (long done = 0; done < run.Length;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var want = (int)Math.Min(buffer.Length, run.Length - done);
                var read = RandomAccess.Read(input, buffer.AsSpan(0, want), run.From + done);
                if (read <= 0) throw new EndOfStreamException("the input ended before its sample data did");
                sha.AppendData(buffer, 0, read);
                output.Write(buffer, 0, read);
                done += read;
            }
        }
        return new Written(Convert.ToHexStringLower(sha.GetHashAndReset()), output.Position);
    }

    /// <summary>Builds boxes in memory; <see cref="Close"/> fills in the size of the box <see cref="Open"/> started.</summary>
    private sealed class BoxWriter
    {
        private readonly MemoryStream _buffer = new();
        private readonly Stack<long> _open = new();

        public void Open(string type)
        {
            _open.Push(_buffer.Position);
            U32(0);
            FourCc(type);
        }

        public void Close()
        {
            var start = _open.Pop();
            var size = _buffer.Position - start;
            if (size > uint.MaxValue) throw new OverflowException("a box over 4 GB");
            Span<byte> field = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(field, (uint)size);
            var end = _buffer.Position;
            _buffer.Position = start;
            _buffer.Write(field);
            _buffer.Position = end;
        }

        /// <summary>A box as it was, or with <paramref name="payload"/> in place of its own.</summary>
        public void Raw(Box box, byte[]? payload = null)
        {
            Open(box.Type);
            _buffer.Write(payload ?? box.Span);
            Close();
        }

        public void FourCc(string type) => _buffer.Write(Encoding.ASCII.GetBytes(type));

        public void Bytes(byte[] bytes) => _buffer.Write(bytes);

        public void Zeros(int count)
        {
            for (var i = 0; i < count; i++) _buffer.WriteByte(0);
        }

        public void U16(ushort value)
        {
            Span<byte> bytes = stackalloc byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
            _buffer.Write(bytes);
        }

        public void U32(uint value)
        {
            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
            _buffer.Write(bytes);
        }

        public void U64(ulong value)
        {
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
            _buffer.Write(bytes);
        }

        public byte[] ToArray() => _buffer.ToArray();
    }
}
