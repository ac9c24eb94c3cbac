using Preflight.Core.Formats.Id3;

namespace Preflight.Core.Formats.Mp3;

/// <summary>What walking the MPEG frames found.</summary>
internal sealed record Mp3WalkResult(
    int AudioFrames,
    double Seconds,
    int SampleRate,
    int Channels,
    int Layer,
    XingInfo? Xing,
    long GarbageBytes,
    string? Corruption);

/// <summary>
/// Walks MPEG audio frames (headers read by <see cref="MpegAudioFrameHeader"/>) and accounts for every byte between
/// them. The search resynchronises over garbage, so we compare where each frame starts with where the previous one
/// ended. A frame only counts as audio when it chains with a neighbour (same version, layer and rate, starting
/// exactly where the other ends): lone "frames" are sync patterns found by chance inside junk.
/// </summary>
internal static class Mp3FrameWalk
{
    // The search window always leaves room for one whole frame (the longest real one is 2,880 bytes).
    private const int MaxFrameBytes = 16 * 1024 + 4;

    /// <summary>
    /// Junk tolerated between frames: 1 % of the audio, at least 512 bytes (a few stray bytes from old taggers and
    /// editors are common) and at most 4 KB (more is damage, not sloppiness).
    /// </summary>
    public static long GarbageAllowance(long audioBytes) => Math.Clamp(audioBytes / 100, 512, 4096);

    public static Mp3WalkResult Run(Stream file, long audioStart, long audioEnd)
    {
        var window = new WindowReader(file);
        var allowance = GarbageAllowance(audioEnd - audioStart);
        var garbage = new GarbageTracker();
        var state = new Accumulator(window);

        (long Offset, MpegAudioFrameHeader Header)? firstFrame = null;
        MpegAudioFrameHeader? pending = null;
        long pendingStart = 0;
        var inRun = false;
        (int, int, int) runKey = default;
        var expected = audioStart;
        var overflow = false;
        string? cut = null;

        while (true)
        {
            window.Limit = Math.Min(audioEnd, expected + Math.Max(0, allowance - garbage.Total) + MaxFrameBytes);
            Found found;
            try
            {
                found = Search(window, expected);
            }
            catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
            {
                return Failed(state, garbage, $"An MPEG frame header after offset {expected:N0} cannot be read: {e.Message}");
            }

            if (found.Start >= 0 && found.Start + found.Header.FrameLength > window.Length)
            {
                // A frame runs past the window: the end of the audio (a cut frame), or too much junk (handled below).
                if (window.Length >= audioEnd)
                {
                    cut = $"The last MPEG frame (after offset {expected:N0}) is cut off at the end of the audio: the file is truncated.";
                    if (pending is not null) garbage.Add(pendingStart, expected);
                    pending = null;
                    break;
                }
                found = Found.None;
            }

            if (found.Start < 0)
            {
                var stoppedAt = window.Length;
                if (pending is not null) garbage.Add(pendingStart, expected);
                pending = null;
                garbage.Add(expected, Math.Max(expected, stoppedAt));
                overflow = stoppedAt < audioEnd;
                if (!overflow && stoppedAt - expected is > 0 and < 4 && ReadByteAt(file, expected) == 0xFF)
                    cut = $"The MP3 ends {stoppedAt - expected} byte(s) into a frame header at offset {expected:N0}: the file is truncated.";
                break;
            }

            var frame = found.Header;
            var start = found.Start;
            var end = start + frame.FrameLength;
            firstFrame ??= (start, frame);
            var key = (frame.Version, frame.Layer, frame.SampleRate);
            if (start == expected && (pending is not null || inRun) && key == runKey)
            {
                if (pending is { } previous) state.Accept(previous, pendingStart);
                pending = null;
                state.Accept(frame, start);
                inRun = true;
            }
            else
            {
                if (pending is not null) garbage.Add(pendingStart, expected);
                garbage.Add(expected, start);
                pending = frame;
                pendingStart = start;
                runKey = key;
                inRun = false;
            }
            expected = end;

            if (garbage.Total > allowance)
            {
                overflow = true;
                break;
            }
        }
        if (pending is not null) garbage.Add(pendingStart, expected);

        if (state.AudioFrames == 0)
        {
            var why = firstFrame is { } only && state.XingAt(only.Header, only.Offset) is not null ? " (only a Xing/Info header frame)"
                : cut is not null ? " (the only frame is cut off)"
                : "";
            return Failed(state, garbage, $"The file contains no MPEG audio frames{why}.");
        }
        if (overflow)
        {
            return Failed(state, garbage,
                $"MP3 has at least {garbage.Total:N0} bytes of non-audio data between its frames (largest run: {garbage.LargestLength:N0} " +
                $"bytes at offset {garbage.LargestStart:N0}); more than {allowance:N0} bytes means the audio is damaged.");
        }
        if (cut is not null) return Failed(state, garbage, cut);

        // The Xing/Info header counts the audio frames: fewer present means the file was cut on a frame boundary.
        // One frame of slack for other encoders, which disagree on whether the header frame itself is counted.
        var slack = state.Xing?.CountsAudioFramesExactly == true ? 0 : 1;
        if (state.Xing?.DeclaredFrames is { } declared && state.AudioFrames + slack < declared)
        {
            return Failed(state, garbage,
                $"The {state.Xing.Tag} header declares {declared:N0} frames but only {state.AudioFrames:N0} are present: the file is truncated.");
        }
        return state.ToResult(garbage.Total, null);
    }

    private static Mp3WalkResult Failed(Accumulator state, GarbageTracker garbage, string message) =>
        state.ToResult(garbage.Total, message);

    /// <summary>A frame header found by <see cref="Search"/> (<see cref="Start"/> -1: none).</summary>
    private readonly record struct Found(long Start, MpegAudioFrameHeader Header)
    {
        public static Found None => new(-1, default);
    }

    /// <summary>
    /// The first frame at or after <paramref name="from"/> in the window: one ID3v2 tag there is skipped (a tagger
    /// that appended a second file), then the first valid header followed by two more of the same stream, or by fewer
    /// when the window ends first. A chain broken within one frame of the window's end still counts (the next search
    /// reports what follows). The rules are those NAudio's <c>Mp3Frame.LoadFromStream</c> applied when it did this.
    /// </summary>
    private static Found Search(WindowReader window, long from)
    {
        var length = window.Length;
        if (length - from >= Id3v2Tags.HeaderSize
            && Id3v2Tags.TryReadTagLength(window.Peek(from, Id3v2Tags.HeaderSize), out var tagLength, out _)
            && from + tagLength <= length)
        {
            from += tagLength;
        }

        var at = from;
        while (at + 4 <= length)
        {
            var chunk = window.Peek(at, 8192);
            var sync = chunk[..^3].IndexOf((byte)0xFF);
            if (sync < 0)
            {
                at += chunk.Length - 3;
                continue;
            }
            at += sync;
            if (MpegAudioFrameHeader.TryParse(window.Peek(at, 4), out var header) && IsLikelySequence(window, at, header, length))
                return new Found(at, header);
            at++;
        }
        return Found.None;
    }

    private static bool IsLikelySequence(WindowReader window, long at, MpegAudioFrameHeader first, long length)
    {
        var next = at;
        var previousLength = first.FrameLength;
        for (var i = 0; i < 2; i++)
        {
            next += previousLength;
            if (next > length - 4) return true;
            if (!MpegAudioFrameHeader.TryParse(window.Peek(next, 4), out var header) || !first.Continues(header))
                return next + first.FrameLength >= length;
            previousLength = header.FrameLength;
        }
        return true;
    }

    private static int ReadByteAt(Stream stream, long offset)
    {
        stream.Position = offset;
        return stream.ReadByte();
    }

    private sealed class Accumulator(WindowReader window)
    {
        private int _delaySamples;
        public int AudioFrames { get; private set; }
        public double Seconds { get; private set; }
        public int SampleRate { get; private set; }
        public int Channels { get; private set; }
        public int Layer { get; private set; }
        public XingInfo? Xing { get; private set; }

        public void Accept(MpegAudioFrameHeader frame, long offset)
        {
            if (AudioFrames == 0 && Xing is null && XingAt(frame, offset) is { } xing)
            {
                Xing = xing;
                _delaySamples = xing.EncoderDelay + xing.Padding;
                return;
            }
            if (AudioFrames == 0)
            {
                SampleRate = frame.SampleRate;
                Channels = frame.Channels;
                Layer = frame.Layer;
            }
            AudioFrames++;
            Seconds += (double)frame.SamplesPerFrame / frame.SampleRate;
        }

        /// <summary>The Xing/Info/VBRI header in the frame at <paramref name="offset"/> (inside the window), if any.</summary>
        public XingInfo? XingAt(MpegAudioFrameHeader frame, long offset) =>
            XingInfo.Read(frame, window.Peek(offset, frame.FrameLength));

        public Mp3WalkResult ToResult(long garbage, string? corruption)
        {
            // LAME's encoder delay and padding are silence the encoder added; players drop them.
            var trimmed = SampleRate > 0 ? (double)_delaySamples / SampleRate : 0;
            var seconds = trimmed < Seconds ? Seconds - trimmed : Seconds;
            return new Mp3WalkResult(AudioFrames, seconds, SampleRate, Channels, Layer, Xing, garbage, corruption);
        }
    }

    /// <summary>Sums the bytes that are not audio and remembers the largest contiguous run for the message.</summary>
    private sealed class GarbageTracker
    {
        private long _runStart = -1;
        private long _runEnd = -1;

        public long Total { get; private set; }
        public long LargestStart { get; private set; }
        public long LargestLength { get; private set; }

        public void Add(long start, long end)
        {
            if (end <= start) return;
            Total += end - start;
            if (start == _runEnd)
            {
                _runEnd = end;
            }
            else
            {
                _runStart = start;
                _runEnd = end;
            }
            if (_runEnd - _runStart > LargestLength)
            {
                LargestStart = _runStart;
                LargestLength = _runEnd - _runStart;
            }
        }
    }
}
