using NAudio.Wave;
using Preflight.Core.Probing;
using Preflight.Core.Reports;

namespace Preflight.Core.Formats.Wav;

/// <summary>
/// Quick WAV probe: our own RIFF walk (declared sizes against the bytes present), then NAudio's reader as a second
/// opinion on the header. Never reads the audio samples and never throws for a bad file.
/// </summary>
public sealed class WavProber
{
    /// <param name="displayName">The name fix commands should use (an upload's own name, not its temp file's).</param>
    public ProbeResult Probe(string path, string? displayName = null) =>
        Probe(() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096), displayName ?? Path.GetFileName(path));

    /// <summary>Reads the stream <paramref name="open"/> gives (the inspector's in-memory copy, so the file is read once).</summary>
    internal ProbeResult Probe(Func<Stream> open, string displayName)
    {
        try
        {
            using var stream = open();
            return Probe(stream, displayName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ProbeResult(MediaFacts.Empty,
                [Finding.Error(FindingCodes.FileUnreadable, $"The file could not be read: {e.Message}")]);
        }
    }

    /// <summary>The same check on a seekable stream (the URL fetcher runs it over a partly fetched body to learn which bytes it reads).</summary>
    internal ProbeResult Probe(Stream stream, string displayName)
    {
        try
        {
            var walk = WavStructure.Walk(stream);
            if (walk.LengthUnknown)
            {
                // ffmpeg reads such a file to its end and writes the real sizes.
                var name = displayName;
                return new ProbeResult(MediaFacts.Empty,
                    [Finding.Error(FindingCodes.FileCorrupt, walk.Corruption!, fix: Rules.FixCommands.RewriteWavHeader(displayName))]);
            }
            if (walk.Layout is not { } layout)
                return ProbeResult.Corrupt(walk.Corruption ?? "WAV structure could not be read.");

            var media = Facts(layout);
            if (walk.HeaderMismatch is { } mismatch)
            {
                // NAudio trusts the size field, so its opinion would only repeat the mismatch (as "No fmt chunk found").
                var name = displayName;
                return new ProbeResult(media, [Finding.Warning(FindingCodes.FileHeaderMismatch, mismatch,
                    actual: $"{stream.Length:N0} bytes", fix: Rules.FixCommands.RewriteWavHeader(name))]) { NeedsFfprobe = media.DurationSeconds is null };
            }
            var naudioProblem = CrossCheckWithNAudio(stream, layout);
            return naudioProblem is null
                ? new ProbeResult(media, []) { NeedsFfprobe = media.DurationSeconds is null }
                : new ProbeResult(media, [Finding.Error(FindingCodes.FileCorrupt, naudioProblem)]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ProbeResult(MediaFacts.Empty,
                [Finding.Error(FindingCodes.FileUnreadable, $"The file could not be read: {e.Message}")]);
        }
    }

    private static MediaFacts Facts(WavLayout layout)
    {
        var f = layout.Format;
        return new MediaFacts
        {
            AudioCodec = WavStructure.CodecName(f),
            SampleRate = f.SampleRate,
            Channels = f.Channels,
            BitDepth = f.BitsPerSample == 0 ? null : f.BitsPerSample,
            DurationSeconds = Duration(layout),
        };
    }

    /// <summary>
    /// PCM and float: whole sample frames over the rate. Compressed formats: the fact chunk's sample count when present,
    /// else the declared byte rate; unknown when neither exists.
    /// </summary>
    private static double? Duration(WavLayout layout)
    {
        var f = layout.Format;
        if (WavStructure.IsPcmLike(f.FormatTag))
            return (double)(layout.DataLength / f.BlockAlign) / f.SampleRate;
        if (layout.FactSampleCount is > 0 and var samples)
            return (double)samples / f.SampleRate;
        if (f.AverageBytesPerSecond > 0)
            return (double)layout.DataLength / f.AverageBytesPerSecond;
        return null;
    }

    /// <summary>
    /// NAudio parses the header its own way; if it cannot, players built on similar parsers will not either.
    /// BW64 is skipped because NAudio does not know that container (RF64 it does).
    /// </summary>
    private static string? CrossCheckWithNAudio(Stream stream, WavLayout layout)
    {
        if (layout.Container == "BW64") return null;
        try
        {
            stream.Position = 0;
            using var reader = new WaveFileReader(stream);
            if (reader.WaveFormat.SampleRate != layout.Format.SampleRate || reader.WaveFormat.Channels != layout.Format.Channels)
            {
                return $"WAV header is ambiguous: NAudio reads {reader.WaveFormat.SampleRate} Hz / {reader.WaveFormat.Channels} ch, " +
                       $"the fmt chunk says {layout.Format.SampleRate} Hz / {layout.Format.Channels} ch.";
            }
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // NAudio throws whatever its parser hits (FormatException, ArgumentException, EndOfStream, overflow…).
            return $"WAV header cannot be read: {e.Message}";
        }
    }
}
