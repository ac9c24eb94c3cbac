using NAudio.Wave;

namespace Preflight.Core.Formats.Mp3;

/// <summary>What walking the MPEG frames found.</summary>
internal sealed record Mp3WalkResult(
    int AudioFrames,
    double Seconds,
    int SampleRate,
    int Channels,
    MpegLayer Layer,
    XingInfo? Xing,
    long GarbageBytes,
    string? Corruption);

/// <summary>
/// Walks MPEG audio frames with NAudio's <see cref="Mp3Frame.LoadFromStream(Stream)"/> and accounts for every byte
/// between them. NAudio silently resynchronises over garbage, so we compare where each frame starts with where the
/// previous one ended. A frame only counts as audio when it chains with a neighbour (same version, layer and
/// rate, starting exactly where the other ends): lone "frames" are sync patterns found by chance inside junk.
/// </summary>
internal static class Mp3FrameWalk
{
    // NAudio refuses frames above 16 KB; the search window always leaves room for one whole frame.
    private const int MaxFrameBytes = 16 * 1024 + 4;

    /// <summary>
    /// Junk tolerated between frames: 1 % of the audio, at least 512 bytes (a few stray bytes from old taggers and
    /// editors are common) and at most 4 KB (more is damage, not sloppiness).
    /// </summary>
    public static long GarbageAllowance(long audioBytes) => Math.Clamp(audioBytes / 100, 512, 4096);

    public static Mp3WalkResult Run(Stream file, long audioStart, long audioEnd)
    {
        var window = new WindowStream(file) { Position = audioStart };
        var allowance = GarbageAllowance(audioEnd - audioStart);
        var garbage = new GarbageTracker();
        var state = new Accumulator();

        Mp3Frame? firstFrame = null;
        Mp3Frame? pending = null;
        long pendingStart = 0;
        var inRun = false;
        (MpegVersion, MpegLayer, int) runKey = default;
        var expected = audioStart;
        var overflow = false;
        string? cut = null;

        while (true)
        {
            window.Limit = Math.Min(audioEnd, expected + Math.Max(0, allowance - garbage.Total) + MaxFrameBytes);
            window.Position = expected;
            Mp3Frame? frame;
            try
            {
                frame = Mp3Frame.LoadFromStream(window);
            }
            catch (EndOfStreamException)
            {
                if (window.Position >= audioEnd)
                {
                    cut = $"The last MPEG frame (after offset {expected:N0}) is cut off at the end of the audio: the file is truncated.";
                    if (pending is not null) garbage.Add(pendingStart, expected);
                    pending = null;
                    break;
                }
                frame = null; // the search window ran out: too much junk, handled below
            }
            catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
            {
                return Failed(state, garbage, $"An MPEG frame header after offset {expected:N0} cannot be read: {e.Message}");
            }

            if (frame is null)
            {
                var stoppedAt = Math.Min(window.Position, window.Limit);
                if (pending is not null) garbage.Add(pendingStart, expected);
                pending = null;
                garbage.Add(expected, Math.Max(expected, stoppedAt));
                overflow = stoppedAt < audioEnd;
                if (!overflow && stoppedAt - expected is > 0 and < 4 && ReadByteAt(file, expected) == 0xFF)
                    cut = $"The MP3 ends {stoppedAt - expected} byte(s) into a frame header at offset {expected:N0}: the file is truncated.";
                break;
            }

            firstFrame ??= frame;
            var end = window.Position;
            var start = end - frame.FrameLength;
            var key = (frame.MpegVersion, frame.MpegLayer, frame.SampleRate);
            if (start == expected && (pending is not null || inRun) && key == runKey)
            {
                if (pending is not null) state.Accept(pending);
                pending = null;
                state.Accept(frame);
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
            var why = firstFrame is not null && XingInfo.Read(firstFrame) is not null ? " (only a Xing/Info header frame)"
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

    private static int ReadByteAt(Stream stream, long offset)
    {
        stream.Position = offset;
        return stream.ReadByte();
    }

    private sealed class Accumulator
    {
        private int _delaySamples;
        public int AudioFrames { get; private set; }
        public double Seconds { get; private set; }
        public int SampleRate { get; private set; }
        public int Channels { get; private set; }
        public MpegLayer Layer { get; private set; }
        public XingInfo? Xing { get; private set; }

        public void Accept(Mp3Frame frame)
        {
            if (AudioFrames == 0 && Xing is null && XingInfo.Read(frame) is { } xing)
            {
                Xing = xing;
                _delaySamples = xing.EncoderDelay + xing.Padding;
                return;
            }
            if (AudioFrames == 0)
            {
                SampleRate = frame.SampleRate;
                Channels = frame.ChannelMode == ChannelMode.Mono ? 1 : 2;
                Layer = frame.MpegLayer;
            }
            AudioFrames++;
            Seconds += (double)frame.SampleCount / frame.SampleRate;
        }

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
