using Preflight.Core.Formats.Mp4.IsoBmff;
using Preflight.Core.Probing;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using static System.FormattableString;

namespace Preflight.Core.Formats.Mp4;

/// <summary>
/// Reads an ISO BMFF file (mp4, mov, m4a, 3gp) in-process: walks the box headers, reads <c>moov</c> (bounded),
/// and checks that every track's sample data lies inside the file. Never reads <c>mdat</c>, never throws for a bad file.
/// </summary>
public sealed class Mp4Prober
{
    /// <summary>Largest <c>moov</c> read into memory; a real one is kilobytes to a few megabytes.</summary>
    public const long MaxMoovBytes = 64L * 1024 * 1024;

    /// <summary>Reads facts and checks structure of an ISO BMFF file (mp4, mov, m4a, 3gp) without ffprobe.</summary>
    /// <param name="displayName">The name fix commands should use (an upload's own name, not its temp file's).</param>
    public ProbeResult Probe(string path, string? displayName = null) =>
        // A small buffer: big boxes are skipped by seeking, but a run of tiny boxes (hostile or not) must not cost
        // one read call per 8-byte header.
        Probe(() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096, FileOptions.RandomAccess),
            displayName ?? Path.GetFileName(path));

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
            return new ProbeResult(MediaFacts.Empty, [Finding.Error(FindingCodes.FileUnreadable, $"The file could not be read: {e.Message}")]);
        }
    }

    /// <summary>The same check on a seekable stream (the URL fetcher runs it over a partly fetched body to learn which bytes it reads).</summary>
    internal ProbeResult Probe(Stream stream, string displayName)
    {
        try
        {
            return Inspect(stream, displayName);
        }
        catch (IsoBmffCorruptException e)
        {
            return ProbeResult.Corrupt(Sentence(e.Message));
        }
        catch (EndOfStreamException)
        {
            return ProbeResult.Corrupt("The file ended in the middle of a box: the file is truncated.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ProbeResult(MediaFacts.Empty, [Finding.Error(FindingCodes.FileUnreadable, $"The file could not be read: {e.Message}")]);
        }
        catch (Exception e) when (e is OverflowException or ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            // Values no real file has (offsets past 2^63, counts that overflow): the structure is nonsense.
            return ProbeResult.Corrupt($"The MP4 box structure holds impossible values: {e.Message}");
        }
    }

    private static ProbeResult Inspect(Stream stream, string fileName)
    {
        var length = stream.Length;
        var layout = TopLevelWalker.Walk(stream, length);
        var moovs = layout.Boxes.Where(b => b.Type == "moov").ToList();
        var mdats = layout.Boxes.Where(b => b.Type == "mdat").ToList();

        var findings = new List<Finding>();
        if (layout.Problem is not null)
        {
            // Bytes that are no box at all after a whole, unfragmented movie: every demuxer stops at the last box and
            // plays the file as it was (issue 10: decoded identically in every decoder tried). A warning with the
            // remux that drops them; a cut or damaged box, a fragment, or a missing moov/mdat stays corrupt.
            if (layout.TrailingFrom is { } from && layout.MoofCount == 0 && moovs.Count == 1 && mdats.Count > 0)
            {
                findings.Add(Finding.Warning(FindingCodes.FileTrailingData, Invariant(
                    $"The last {length - from:N0} bytes (from offset {from:N0}) belong to no box: data was appended after the movie. Players ignore them; a remux drops them."),
                    actual: Invariant($"{length - from:N0} bytes after the last box"), limit: "none",
                    fix: FixCommands.RemuxToMp4(fileName)));
                length = from;
            }
            else
            {
                // Still report what the header says (dimensions, duration) when the moov itself was whole.
                return new ProbeResult(TryFacts(stream, moovs), [Corrupt(layout.Problem)]);
            }
        }
        if (moovs.Count == 0)
        {
            return ProbeResult.Corrupt(mdats.Count > 0
                ? "No 'moov' box (the index that says what the media data is): the file is truncated or was never finished."
                : "No 'moov' box: the file is truncated or not finished.");
        }
        if (moovs.Count > 1)
        {
            return ProbeResult.Corrupt(Invariant($"The file has {moovs.Count} 'moov' boxes (at offsets {string.Join(", ", moovs.Select(m => m.Offset.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)))}); a file has exactly one."));
        }

        var moovHeader = moovs[0];
        var movie = MovieReader.Parse(BoxLoader.Load(stream, moovHeader, MaxMoovBytes));
        if (mdats.Count > 0 && moovHeader.Offset > mdats[0].Offset)
        {
            findings.Add(Finding.Warning(
                FindingCodes.VideoNotFaststart,
                "The 'moov' index comes after the media data ('mdat'): players must fetch the end of the file before they can start streaming.",
                actual: Invariant($"moov at offset {moovHeader.Offset:N0}, mdat at offset {mdats[0].Offset:N0}"),
                limit: "moov before mdat (faststart)",
                fix: FixCommands.Faststart(fileName)));
        }

        if (movie.Compressed)
        {
            return new ProbeResult(MediaFacts.Empty, findings) { NeedsFfprobe = true };
        }
        if (movie.Tracks.Count == 0)
        {
            return ProbeResult.Corrupt("The 'moov' box declares no tracks: the file holds only headers, no media.");
        }

        var moofCount = layout.MoofCount;
        if (moofCount > 0 && !movie.Fragmented)
        {
            return ProbeResult.Corrupt(Invariant(
                $"The file has {moofCount:N0} 'moof' fragment(s) but its 'moov' has no 'mvex' box, which declares a movie fragmented: demuxers cannot read the fragments."));
        }
        var fragmented = movie.Fragmented || moofCount > 0;
        foreach (var track in movie.Tracks) track.Samples.CheckConsistency();

        Dictionary<uint, FragmentTotals>? fragments = null;
        if (fragmented)
        {
            fragments = Fragments.Read(stream, TopLevelWalker.Headers(stream, length, "moof"), movie);
            if (movie.Tracks.All(t => t.Samples.SampleCount == 0) && fragments.Values.All(f => f.Samples == 0))
            {
                return ProbeResult.Corrupt(moofCount == 0
                    ? "The file is fragmented but has no 'moof' fragments: it holds only headers (an init segment), no media."
                    : "No track has any samples: the file holds only headers, no media.");
            }
        }
        else
        {
            if (mdats.Count == 0)
            {
                return ProbeResult.Corrupt("No 'mdat' box: the file holds only headers, no media data.");
            }
            if (movie.Tracks.All(t => t.Samples.SampleCount == 0))
            {
                return ProbeResult.Corrupt("No track has any samples: the file holds only headers, no media.");
            }
        }

        var external = false;
        foreach (var track in movie.Tracks)
        {
            if (!track.SelfContained)
            {
                external = true;
                continue;
            }
            CheckSampleData(track, length, mdats);
            if (fragments is not null && fragments.TryGetValue(track.TrackId, out var fragment))
            {
                // A fragment whose 'mdat' was cut off leaves every box whole: only the trun offsets tell.
                foreach (var (start, size) in fragment.DataRuns) CheckDataRange(track, start, size == 0 ? 1 : size, length, mdats);
            }
        }

        var facts = Facts(movie, fragments, out var incomplete);
        return new ProbeResult(facts, findings) { NeedsFfprobe = incomplete || external };
    }

    /// <summary>
    /// Every chunk the sample tables point at must lie inside the file and inside one 'mdat'. This is what catches
    /// a truncated faststart file whose 'mdat' size was written as 0 ("to end of file"), which ffprobe accepts.
    /// </summary>
    private static void CheckSampleData(Track track, long fileLength, List<BoxHeader> mdats)
    {
        var onlyStarts = track.Samples.SizesAreFramesNotBytes(track.Handler);
        track.Samples.ForEachChunk((start, size) =>
        {
            if (size == 0) return;
            CheckDataRange(track, start, onlyStarts ? 1 : size, fileLength, mdats);
        });
    }

    private static void CheckDataRange(Track track, ulong start, ulong size, long fileLength, List<BoxHeader> mdats)
    {
        var end = checked(start + size);
        if (end > (ulong)fileLength)
        {
            throw new IsoBmffCorruptException(Invariant(
                $"{track.Name}: sample data at offset {start:N0} runs to byte {end:N0} but the file is only {fileLength:N0} bytes: the file is truncated"));
        }
        var holder = LastMdatStartingBy(mdats, start);
        if (holder.Type is null || start >= (ulong)holder.End)
        {
            throw new IsoBmffCorruptException(Invariant(
                $"{track.Name}: sample data at offset {start:N0} ({size:N0} bytes) lies outside every 'mdat' box"));
        }
        if (end > (ulong)holder.End)
        {
            throw new IsoBmffCorruptException(Invariant(
                $"{track.Name}: sample data at offset {start:N0} runs to byte {end:N0}, past the end of the 'mdat' box at offset {holder.Offset:N0} (which ends at byte {holder.End:N0}): the file is truncated or corrupt"));
        }
    }

    /// <summary>
    /// The last 'mdat' whose payload starts at or before <paramref name="start"/> (default when none), by binary search:
    /// the walk lists them in file order, and a linear search per chunk made many small mdat boxes quadratic.
    /// </summary>
    private static BoxHeader LastMdatStartingBy(List<BoxHeader> mdats, ulong start)
    {
        int low = 0, high = mdats.Count - 1, found = -1;
        while (low <= high)
        {
            var middle = low + (high - low) / 2;
            if ((ulong)mdats[middle].PayloadOffset <= start)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return found < 0 ? default : mdats[found];
    }

    private static MediaFacts Facts(Movie movie, Dictionary<uint, FragmentTotals>? fragments, out bool incomplete)
    {
        var video = movie.Tracks.FirstOrDefault(t => t.Handler == "vide" && t.Entry is not null);
        var audio = movie.Tracks.FirstOrDefault(t => t.Handler == "soun" && t.Entry is not null);
        var facts = new MediaFacts { DurationSeconds = Duration(movie, fragments) };

        if (video is not null)
        {
            var entry = video.Entry!;
            var (width, height) = entry.Width > 0 && entry.Height > 0
                ? (entry.Width, entry.Height)
                : ((int)Math.Round(video.PresentationWidth), (int)Math.Round(video.PresentationHeight));
            var rotation = video.Rotation ?? 0;
            if (rotation is 90 or 270) (width, height) = (height, width);
            var (samples, seconds) = SamplesAndSeconds(video, fragments);
            facts = facts with
            {
                Width = width > 0 ? width : null,
                Height = height > 0 ? height : null,
                Rotation = rotation,
                VideoCodec = Mp4Codecs.Video(entry.Format),
                FrameRate = samples > 0 && seconds > 0 ? Math.Round(samples / seconds, 3) : null,
            };
        }

        if (audio is not null)
        {
            var entry = audio.Entry!;
            var rate = entry.SampleRate > 0 ? (int)Math.Round(entry.SampleRate) : (int)audio.Timescale;
            facts = facts with
            {
                AudioCodec = Mp4Codecs.Audio(entry.Format, entry.ObjectType),
                SampleRate = rate > 0 ? rate : null,
                Channels = entry.Channels > 0 ? entry.Channels : null,
                BitDepth = Mp4Codecs.IsPcm(entry.Format) && entry.SampleSize > 0 ? entry.SampleSize : null,
            };
        }

        incomplete = facts.DurationSeconds is null || (video is not null && facts.FrameRate is null);
        return facts;
    }

    private static double? Duration(Movie movie, Dictionary<uint, FragmentTotals>? fragments)
    {
        if (movie.Timescale > 0 && movie.FragmentDuration is > 0) return (double)movie.FragmentDuration.Value / movie.Timescale;
        // In a fragmented file mvhd covers only the samples inside moov; the fragments carry the rest.
        if (fragments is null && movie.Timescale > 0 && movie.Duration > 0) return (double)movie.Duration / movie.Timescale;

        double? longest = null;
        foreach (var track in movie.Tracks)
        {
            var (_, seconds) = SamplesAndSeconds(track, fragments);
            if (seconds > 0 && (longest is null || seconds > longest)) longest = seconds;
        }
        // A track whose fragment durations are unknown could be the longest: leave it to ffprobe rather than under-report.
        if (fragments is not null && fragments.Values.Any(f => f.Samples > 0 && !f.DurationKnown)) return null;
        return longest;
    }

    /// <summary>A track's sample count and length in seconds (mdhd duration, else its sample deltas); 0 seconds when unknown.</summary>
    private static (double Samples, double Seconds) SamplesAndSeconds(Track track, Dictionary<uint, FragmentTotals>? fragments)
    {
        if (track.Timescale == 0) return (track.Samples.SampleCount, 0);
        if (fragments is not null && fragments.TryGetValue(track.TrackId, out var fragment) && fragment.Samples > 0)
        {
            // A fragmented track's mdhd covers at most the samples in moov; the fragments carry the rest.
            if (!fragment.DurationKnown) return (0, 0);
            return (track.Samples.SampleCount + fragment.Samples,
                    (double)(track.Samples.TotalDelta + fragment.Duration) / track.Timescale);
        }
        var units = track.MediaDuration > 0 ? track.MediaDuration : track.Samples.TotalDelta;
        return (track.Samples.SampleCount, (double)units / track.Timescale);
    }

    private static MediaFacts TryFacts(Stream stream, List<BoxHeader> moovs)
    {
        if (moovs.Count != 1) return MediaFacts.Empty;
        try
        {
            var movie = MovieReader.Parse(BoxLoader.Load(stream, moovs[0], MaxMoovBytes));
            return movie.Compressed || movie.Tracks.Count == 0 ? MediaFacts.Empty : Facts(movie, null, out _);
        }
        catch (Exception e) when (e is IsoBmffCorruptException or IOException or OverflowException or ArgumentException)
        {
            return MediaFacts.Empty;
        }
    }

    private static Finding Corrupt(string problem) => Finding.Error(FindingCodes.FileCorrupt, Sentence(problem));

    /// <summary>Messages are built from fragments ("box 'mdat' at …"); the report shows them as sentences.</summary>
    private static string Sentence(string text)
    {
        if (text.Length == 0) return text;
        var first = char.ToUpperInvariant(text[0]) + text[1..];
        return first.EndsWith('.') ? first : first + ".";
    }
}
