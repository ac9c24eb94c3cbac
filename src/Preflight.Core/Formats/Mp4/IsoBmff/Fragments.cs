using static System.FormattableString;

namespace Preflight.Core.Formats.Mp4.IsoBmff;

/// <summary>What the movie fragments add to one track: samples, and their total duration when it can be known.</summary>
internal sealed class FragmentTotals
{
    public ulong Samples { get; set; }
    public ulong Duration { get; set; }
    public bool DurationKnown { get; set; } = true;

    /// <summary>Where each run's sample data lies (absolute offset, bytes; 0 bytes when the sizes are not declared).</summary>
    public List<(ulong Start, ulong Size)> DataRuns { get; } = [];
}

/// <summary>Reads every <c>moof</c> (each a small bounded read) and totals its <c>trun</c> samples per track.</summary>
internal static class Fragments
{
    public const long MaxMoofBytes = 16L * 1024 * 1024;

    public static Dictionary<uint, FragmentTotals> Read(Stream stream, IEnumerable<BoxHeader> moofs, Movie movie)
    {
        var totals = movie.Tracks.ToDictionary(t => t.TrackId, _ => new FragmentTotals());
        foreach (var header in moofs)
        {
            var moof = BoxLoader.Load(stream, header, MaxMoofBytes);
            // Without an explicit base, the first traf's data starts at the moof and each later one where the previous ended.
            var nextData = (ulong)moof.Offset;
            foreach (var traf in moof.Children())
            {
                if (traf.Type == "traf") nextData = AddTrackFragment(traf, moof, movie, totals, nextData);
            }
        }
        return totals;
    }

    /// <summary>Totals one traf and records where its runs' data lies; returns the offset just past its data.</summary>
    private static ulong AddTrackFragment(Box traf, Box moof, Movie movie, Dictionary<uint, FragmentTotals> totals, ulong nextData)
    {
        var tfhd = traf.Require("tfhd", Invariant($"the fragment {moof.Where}"));
        var reader = tfhd.Fields();
        var (_, flags) = reader.FullBoxHeader();
        var trackId = reader.U32();
        if (!totals.TryGetValue(trackId, out var total))
        {
            throw new IsoBmffCorruptException(Invariant($"the fragment {moof.Where} refers to track ID {trackId}, which 'moov' does not declare"));
        }
        var baseOffset = (flags & 0x01) != 0 ? reader.U64()
            : (flags & 0x020000) != 0 ? (ulong)moof.Offset // default-base-is-moof
            : nextData;
        if ((flags & 0x02) != 0) reader.Skip(4);
        uint? defaultDuration = (flags & 0x08) != 0 ? reader.U32() : null;
        uint? defaultSize = (flags & 0x10) != 0 ? reader.U32() : null;
        if (movie.TrackDefaults.TryGetValue(trackId, out var trex))
        {
            defaultDuration ??= trex.SampleDuration;
            defaultSize ??= trex.SampleSize;
        }

        var dataEnd = baseOffset;
        foreach (var trun in traf.Children().Where(c => c.Type == "trun"))
        {
            reader = trun.Fields();
            var (_, runFlags) = reader.FullBoxHeader();
            var count = reader.U32();
            // A run without a data offset continues where the previous run of this traf ended.
            var runStart = (runFlags & 0x001) != 0 ? checked((ulong)((long)baseOffset + reader.S32())) : dataEnd;
            if ((runFlags & 0x004) != 0) reader.Skip(4);
            var hasDuration = (runFlags & 0x100) != 0;
            var hasSize = (runFlags & 0x200) != 0;
            var perSample = 0;
            foreach (var bit in (ReadOnlySpan<uint>)[0x100, 0x200, 0x400, 0x800])
            {
                if ((runFlags & bit) != 0) perSample += 4;
            }
            reader.NeedEntries(count, perSample, "samples");
            total.Samples += count;

            var runBytes = hasSize ? 0UL : (ulong)count * (defaultSize ?? 0);
            if (hasDuration || hasSize)
            {
                for (uint i = 0; i < count; i++)
                {
                    if (hasDuration) total.Duration += reader.U32();
                    if (hasSize) runBytes += reader.U32();
                    reader.Skip(perSample - (hasDuration ? 4 : 0) - (hasSize ? 4 : 0));
                }
            }
            if (!hasDuration)
            {
                if (defaultDuration is { } duration) total.Duration += (ulong)count * duration;
                else if (count > 0) total.DurationKnown = false;
            }

            if (count > 0) total.DataRuns.Add((runStart, runBytes));
            dataEnd = checked(runStart + runBytes);
        }
        return dataEnd;
    }
}
