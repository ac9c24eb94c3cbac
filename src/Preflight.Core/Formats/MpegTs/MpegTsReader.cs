using System.Globalization;
using Preflight.Core.Formats.Mp3;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;

namespace Preflight.Core.Formats.MpegTs;

/// <summary>
/// The media facts a fix plans with, read from an MPEG transport stream without ffprobe: PAT → the one program's PMT →
/// its streams, their first PES timestamps and codec headers in a bounded head, their last timestamps in a bounded
/// tail. Every fact is the one ffprobe (through <see cref="FfprobeNormaliser"/>) would give, derived the way ffmpeg
/// derives it (the duration as libavformat's <c>estimate_timings_from_pts</c> does); whenever the reader is not sure
/// of that (a stream type it does not know, scrambling, a second program, a header it cannot find or read, timestamps
/// that jump), it answers null and the caller asks ffprobe. Never reads more than <see cref="HeadBytes"/> +
/// <see cref="TailBytes"/>, never throws for bad bytes.
/// </summary>
internal static class MpegTsReader
{
    public const int HeadBytes = 2 * 1024 * 1024;
    public const int TailBytes = 1024 * 1024;

    /// <summary>ffmpeg reads the last 250 000 bytes for the end timestamps (DURATION_MAX_READ_SIZE).</summary>
    private const int FfmpegTailBytes = 250_000;
    private const long PtsModulus = 1L << 33;
    private const long Ticks = 90_000;
    /// <summary>ffmpeg ignores a later, larger end timestamp more than 60 s from the previous one.</summary>
    private const long JumpTicks = 60 * Ticks;
    private const int VideoEsCap = 1024 * 1024;
    private const int AudioEsCap = 16 * 1024;
    private const int KeptVideoPts = 64;

    /// <summary>The facts of the file at <paramref name="path"/>, or null when the reader cannot answer exactly.</summary>
    public static MediaFacts? Read(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.RandomAccess);
            return Read(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <inheritdoc cref="Read(string)"/>
    public static MediaFacts? Read(Stream stream)
    {
        var length = stream.Length;
        var head = ReadAt(stream, 0, (int)Math.Min(length, HeadBytes));
        if (Layout(head) is not { } layout) return null;
        // The tail starts on the packet grid the head found.
        var tailStart = Math.Max(0, length - TailBytes);
        tailStart = (tailStart + layout.Size - 1) / layout.Size * layout.Size;
        var tail = ReadAt(stream, tailStart, (int)(length - tailStart));
        return Analyse(head, tail, tailStart, length, layout);
    }

    private static byte[] ReadAt(Stream stream, long offset, int count)
    {
        var buffer = new byte[count];
        stream.Position = offset;
        var read = stream.ReadAtLeast(buffer, count, throwOnEndOfStream: false);
        return read == count ? buffer : buffer[..read];
    }

    /// <summary>188-byte packets, or 192-byte M2TS packets whose 0x47 follows a 4-byte timecode.</summary>
    private readonly record struct PacketLayout(int Size, int SyncOffset);

    private static PacketLayout? Layout(byte[] head)
    {
        foreach (var layout in new[] { new PacketLayout(188, 0), new PacketLayout(192, 4) })
        {
            if (head.Length >= 3 * layout.Size
                && head[layout.SyncOffset] == 0x47 && head[layout.SyncOffset + layout.Size] == 0x47
                && head[layout.SyncOffset + 2 * layout.Size] == 0x47)
            {
                return layout;
            }
        }
        return null;
    }

    private enum Kind { Video, Audio }

    private sealed class EsStream(int pid, byte streamType, Kind kind)
    {
        public int Pid { get; } = pid;
        public byte StreamType { get; } = streamType;
        public Kind Kind { get; } = kind;
        public long? FirstPts { get; set; }
        public List<long> Pts { get; } = [];
        public bool PtsWentBack { get; set; }
        public MemoryStream Es { get; } = new();
        public bool Collecting { get; set; }

        // What the headers say.
        public string? Codec { get; set; }
        public int Width { get; set; }
        public int Height { get; set; }
        public int RateNum { get; set; }
        public int RateDen { get; set; }
        public int SampleRate { get; set; }
        public int Channels { get; set; }
        /// <summary>ffmpeg's duration of one packet in 90 kHz ticks, added to the last timestamp.</summary>
        public long PacketTicks { get; set; }

        // The tail, as ffmpeg walks it.
        public long? Duration { get; set; }
        public long LastDuration { get; set; }
    }

    private static MediaFacts? Analyse(byte[] head, byte[] tail, long tailStart, long length, PacketLayout layout)
    {
        Dictionary<int, int>? programs = null;
        var pmtPid = -1;
        List<EsStream>? streams = null;

        for (var at = 0; at + layout.Size <= head.Length; at += layout.Size)
        {
            var packet = head.AsSpan(at + layout.SyncOffset, 188);
            if (!Packet.TryParse(packet, out var p)) return null;
            if (p.Payload.IsEmpty) continue;

            if (p.Pid == 0)
            {
                if (!p.UnitStart) continue;
                if (Section(p.Payload, 0x00) is not { } pat || ParsePat(pat) is not { } found) return null;
                // A changed PAT: which program ffprobe reports is no longer obvious.
                if (programs is not null && !Same(programs, found)) return null;
                programs = found;
                if (programs.Count != 1) return null;
                pmtPid = programs.Values.Single();
                if (pmtPid is < 0x10 or >= 0x1FFF) return null;
                continue;
            }
            if (p.Pid == pmtPid)
            {
                if (!p.UnitStart) continue;
                if (Section(p.Payload, 0x02) is not { } pmt || ParsePmt(pmt, pmtPid) is not { } found) return null;
                if (streams is not null && !SameStreams(streams, found)) return null;
                streams ??= found;
                continue;
            }
            if (StreamOf(streams, p.Pid) is not { } stream) continue;

            var payload = p.Payload;
            if (p.UnitStart)
            {
                if (Pes.Parse(payload) is not { } pes) return null;
                payload = payload[pes.HeaderLength..];
                if (pes.Pts is { } pts)
                {
                    if (stream.FirstPts is null) stream.FirstPts = pts;
                    else if (Forward(stream.FirstPts.Value, pts) < 0) stream.PtsWentBack = true;
                    if (stream.Kind == Kind.Video && stream.Pts.Count < KeptVideoPts) stream.Pts.Add(pts);
                }
                // A first PES without a PTS: ffmpeg would start this stream at a later one; not followed here.
                if (stream.FirstPts is null) return null;
                stream.Collecting = true;
            }
            if (stream.Collecting && stream.Es.Length < (stream.Kind == Kind.Video ? VideoEsCap : AudioEsCap))
                stream.Es.Write(payload);
        }

        if (streams is null || streams.Count == 0) return null;
        foreach (var stream in streams)
        {
            if (stream.FirstPts is null || stream.PtsWentBack) return null;
            if (!(stream.Kind == Kind.Video ? ReadVideo(stream) : ReadAudio(stream))) return null;
        }
        // Starts more than half the timestamp range apart straddle a wrap: ffmpeg's correction of that is not repeated here.
        if (streams.Max(s => s.FirstPts!.Value) - streams.Min(s => s.FirstPts!.Value) > PtsModulus / 2) return null;

        if (!WalkTail(tail, tailStart, length, layout, streams)) return null;
        if (FormatDuration(streams) is not { } seconds) return null;

        var video = streams.FirstOrDefault(s => s.Kind == Kind.Video);
        var audio = streams.FirstOrDefault(s => s.Kind == Kind.Audio);
        return new MediaFacts
        {
            Width = video?.Width,
            Height = video?.Height,
            DurationSeconds = seconds,
            VideoCodec = video?.Codec,
            AudioCodec = audio?.Codec,
            FrameRate = video is null ? null : Math.Round(video.RateNum / (double)video.RateDen, 3),
            SampleRate = audio?.SampleRate,
            Channels = audio?.Channels,
            // ffprobe's rotation of a video stream without a display matrix; none without video.
            Rotation = video is null ? null : 0,
        };
    }

    /// <summary>
    /// ffmpeg's end timestamps: from the packet at or after <c>size - 250000</c> to the end, each PES that starts with a
    /// PTS sets <c>pts + one packet's duration - start</c> when larger (and within 60 s of the previous one).
    /// </summary>
    private static bool WalkTail(byte[] tail, long tailStart, long length, PacketLayout layout, List<EsStream> streams)
    {
        var from = Math.Max(0, length - FfmpegTailBytes);
        for (var at = 0; at + layout.Size <= tail.Length; at += layout.Size)
        {
            var syncAt = tailStart + at + layout.SyncOffset;
            var packet = tail.AsSpan(at + layout.SyncOffset, 188);
            if (!Packet.TryParse(packet, out var p)) return false;
            if (syncAt < from || !p.UnitStart || p.Payload.IsEmpty) continue;
            if (StreamOf(streams, p.Pid) is not { } stream) continue;
            if (Pes.Parse(p.Payload) is not { } pes) return false;
            if (pes.Pts is not { } pts) continue;

            var since = Forward(stream.FirstPts!.Value, pts);
            if (since < 0) return false; // before the start, or a wrap too far to be sure of
            var duration = since + stream.PacketTicks;
            if (stream.Duration is null || stream.LastDuration <= 0
                || (stream.Duration < duration && Math.Abs(duration - stream.LastDuration) < JumpTicks))
            {
                stream.Duration = duration;
            }
            stream.LastDuration = duration;
        }
        return streams.All(s => s.Duration is > 0);
    }

    /// <summary>
    /// libavformat's <c>update_stream_timings</c>: the format lasts from the earliest stream start to the latest stream
    /// end (or the longest stream, if longer), in microseconds; ffprobe prints it with six decimals.
    /// </summary>
    private static double? FormatDuration(List<EsStream> streams)
    {
        var start = long.MaxValue;
        var end = long.MinValue;
        var longest = long.MinValue;
        foreach (var stream in streams)
        {
            var startUs = Microseconds(stream.FirstPts!.Value);
            var durationUs = Microseconds(stream.Duration!.Value);
            start = Math.Min(start, startUs);
            end = Math.Max(end, startUs + durationUs);
            longest = Math.Max(longest, durationUs);
        }
        var total = Math.Max(longest, end - start);
        if (total <= 0) return null;
        return FfprobeNormaliser.ParseDuration((total / 1e6).ToString("F6", CultureInfo.InvariantCulture));
    }

    /// <summary>av_rescale_q from 1/90000 to 1/1000000, rounding half away from zero.</summary>
    private static long Microseconds(long ticks) => (ticks * 200 + 9) / 18;

    /// <summary>How far <paramref name="pts"/> lies after <paramref name="from"/>, modulo the 33-bit wrap; negative when it lies before.</summary>
    private static long Forward(long from, long pts)
    {
        var delta = ((pts - from) % PtsModulus + PtsModulus) % PtsModulus;
        return delta < PtsModulus / 2 ? delta : delta - PtsModulus;
    }

    private static bool ReadVideo(EsStream stream)
    {
        var es = stream.Es.GetBuffer().AsSpan(0, (int)stream.Es.Length);
        if (stream.StreamType == 0x1B)
        {
            if (H264Sps.Find(es) is not { RateNumerator: { } num, RateDenominator: { } den } sps) return false;
            (stream.Codec, stream.Width, stream.Height, stream.RateNum, stream.RateDen) = ("h264", sps.Width, sps.Height, num, den);
        }
        else
        {
            if (MpegVideoSequence.Find(es) is not { } seq) return false;
            (stream.Codec, stream.Width, stream.Height, stream.RateNum, stream.RateDen) = (seq.Codec, seq.Width, seq.Height, seq.RateNumerator, seq.RateDenominator);
        }
        // ffmpeg's packet duration comes from the frame rate; it is only right if the timestamps step by exactly it.
        var frame = Ticks * stream.RateDen / stream.RateNum;
        if (frame <= 0 || stream.Pts.Count < 2) return false;
        long step = 0;
        for (var i = 1; i < stream.Pts.Count; i++)
            step = Gcd(step, Math.Abs(Forward(stream.Pts[0], stream.Pts[i])));
        if (step != frame) return false;
        stream.PacketTicks = frame;
        return true;
    }

    private static bool ReadAudio(EsStream stream)
    {
        var es = stream.Es.GetBuffer().AsSpan(0, (int)stream.Es.Length);
        // The first frame must start the first PES (as muxers write it) and be followed by a second one.
        if (stream.StreamType == 0x0F)
        {
            if (!AdtsFrameHeader.TryParse(es, out var first) || first.FrameLength >= es.Length
                || !AdtsFrameHeader.TryParse(es[first.FrameLength..], out var second) || !first.Continues(second))
            {
                return false;
            }
            // Only AAC-LC with a channel layout in the header; a low rate is likely HE-AAC, which ffprobe reports doubled.
            if (first.Profile != 1 || first.ChannelConfig is 0 or > 7 || first.SampleRate <= 24000) return false;
            (stream.Codec, stream.SampleRate, stream.Channels) = ("aac", first.SampleRate, first.ChannelConfig == 7 ? 8 : first.ChannelConfig);
            stream.PacketTicks = 1024 * Ticks / first.SampleRate;
            return true;
        }
        if (!MpegAudioFrameHeader.TryParse(es, out var header) || header.FrameLength >= es.Length
            || !MpegAudioFrameHeader.TryParse(es[header.FrameLength..], out var next)
            || next.Version != header.Version || next.Layer != header.Layer || next.SampleRate != header.SampleRate)
        {
            return false;
        }
        stream.Codec = header.Layer switch { 1 => "mp1", 2 => "mp2", _ => "mp3" };
        (stream.SampleRate, stream.Channels) = (header.SampleRate, header.Channels);
        stream.PacketTicks = header.SamplesPerFrame * Ticks / header.SampleRate;
        return true;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a;
    }

    /// <summary>The section a PSI packet starts (pointer field skipped), whole and with a good CRC, or null.</summary>
    private static byte[]? Section(ReadOnlySpan<byte> payload, byte tableId)
    {
        var section = Whole(payload, tableId);
        return section.IsEmpty ? null : section.ToArray();
    }

    private static ReadOnlySpan<byte> Whole(ReadOnlySpan<byte> payload, byte tableId)
    {
        var pointer = payload[0];
        if (1 + pointer + 3 > payload.Length) return [];
        var section = payload[(1 + pointer)..];
        if (section[0] != tableId || (section[1] & 0x80) == 0) return [];
        var sectionLength = ((section[1] & 0x0F) << 8) | section[2];
        // Sections spread over several packets are not followed: PAT and PMT of one program fit in one.
        if (sectionLength < 9 || 3 + sectionLength > section.Length) return [];
        section = section[..(3 + sectionLength)];
        return Crc32Mpeg.Compute(section) == 0 ? section : [];
    }

    /// <summary>program_number → PMT PID, program 0 (the network PID) left out.</summary>
    private static Dictionary<int, int>? ParsePat(byte[] section)
    {
        var programs = new Dictionary<int, int>();
        for (var at = 8; at + 4 <= section.Length - 4; at += 4)
        {
            var number = (section[at] << 8) | section[at + 1];
            var pid = ((section[at + 2] & 0x1F) << 8) | section[at + 3];
            if (number == 0) continue;
            if (!programs.TryAdd(number, pid)) return null;
        }
        return programs;
    }

    private static List<EsStream>? ParsePmt(byte[] section, int pmtPid)
    {
        var programInfo = ((section[10] & 0x0F) << 8) | section[11];
        var streams = new List<EsStream>();
        var end = section.Length - 4;
        for (var at = 12 + programInfo; at < end;)
        {
            if (at + 5 > end) return null;
            var type = section[at];
            var pid = ((section[at + 1] & 0x1F) << 8) | section[at + 2];
            var infoLength = ((section[at + 3] & 0x0F) << 8) | section[at + 4];
            at += 5 + infoLength;
            if (at > end) return null;
            // Only the types whose codec the stream type alone names; anything else may be a stream ffprobe reports first.
            Kind? kind = type switch
            {
                0x01 or 0x02 or 0x1B => Kind.Video,
                0x03 or 0x04 or 0x0F => Kind.Audio,
                _ => null,
            };
            if (kind is null || pid is < 0x10 or >= 0x1FFF || pid == pmtPid || streams.Exists(s => s.Pid == pid)) return null;
            streams.Add(new EsStream(pid, type, kind.Value));
        }
        // One video and one audio stream at most: the format's start and end are then theirs.
        if (streams.Count(s => s.Kind == Kind.Video) > 1 || streams.Count(s => s.Kind == Kind.Audio) > 1) return null;
        return streams;
    }

    private static EsStream? StreamOf(List<EsStream>? streams, int pid)
    {
        foreach (var stream in streams ?? []) if (stream.Pid == pid) return stream;
        return null;
    }

    private static bool Same(Dictionary<int, int> a, Dictionary<int, int> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static bool SameStreams(List<EsStream> a, List<EsStream> b) =>
        a.Count == b.Count && a.Zip(b).All(x => x.First.Pid == x.Second.Pid && x.First.StreamType == x.Second.StreamType);

    /// <summary>One 188-byte transport packet's header.</summary>
    private readonly ref struct Packet(int pid, bool unitStart, ReadOnlySpan<byte> payload)
    {
        public int Pid { get; } = pid;
        public bool UnitStart { get; } = unitStart;
        public ReadOnlySpan<byte> Payload { get; } = payload;

        /// <summary>False for a lost sync, a transport error, scrambling or an adaptation field longer than the packet.</summary>
        public static bool TryParse(ReadOnlySpan<byte> b, out Packet packet)
        {
            packet = default;
            if (b[0] != 0x47 || (b[1] & 0x80) != 0 || (b[3] & 0xC0) != 0) return false;
            var pid = ((b[1] & 0x1F) << 8) | b[2];
            var control = (b[3] >> 4) & 0x03;
            var start = 4;
            if (control is 2 or 3)
            {
                start = 5 + b[4];
                if (start > 188) return false;
            }
            var payload = control is 1 or 3 ? b[start..] : [];
            packet = new Packet(pid, (b[1] & 0x40) != 0, payload);
            return true;
        }
    }

    /// <summary>A PES header at the start of a packet's payload: its length and its PTS.</summary>
    private readonly record struct Pes(int HeaderLength, long? Pts)
    {
        public static Pes? Parse(ReadOnlySpan<byte> b)
        {
            if (b.Length < 9 || b[0] != 0 || b[1] != 0 || b[2] != 1) return null;
            var streamId = b[3];
            // Stream ids without the optional header (padding, private_stream_2, ECM, EMM, directory, DSM-CC, H.222.1 E).
            if (streamId is 0xBC or 0xBE or 0xBF or 0xF0 or 0xF1 or 0xF2 or 0xF8 or 0xFF) return null;
            if ((b[6] & 0xC0) != 0x80) return null;
            var length = 9 + b[8];
            if (length > b.Length) return null;
            var flags = b[7] >> 6;
            if (flags == 1) return null;
            if (flags == 0) return new Pes(length, null);
            if (b[8] < 5) return null;
            var pts = ((long)(b[9] & 0x0E) << 29) | ((long)b[10] << 22) | ((long)(b[11] & 0xFE) << 14)
                      | ((long)b[12] << 7) | ((long)b[13] >> 1);
            return new Pes(length, pts);
        }
    }
}

/// <summary>CRC-32/MPEG-2 (polynomial 0x04C11DB7, not reflected, initial 0xFFFFFFFF): a whole PSI section, CRC included, gives 0.</summary>
internal static class Crc32Mpeg
{
    private static readonly uint[] Table = Build();

    public static uint Compute(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data) crc = (crc << 8) ^ Table[(crc >> 24) ^ b];
        return crc;
    }

    private static uint[] Build()
    {
        var table = new uint[256];
        for (var i = 0u; i < 256; i++)
        {
            var c = i << 24;
            for (var k = 0; k < 8; k++) c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
            table[i] = c;
        }
        return table;
    }
}
