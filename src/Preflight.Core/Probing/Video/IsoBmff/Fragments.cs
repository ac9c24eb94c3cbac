using static System.FormattableString;

namespace Preflight.Core.Probing.Video.IsoBmff;

/// <summary>What the movie fragments add to one track: samples, and their total duration when it can be known.</summary>
internal sealed class FragmentTotals
{
    public ulong Samples { get; set; }
    public ulong Duration { get; set; }
    public bool DurationKnown { get; set; } = true;
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
            foreach (var traf in moof.Children())
            {
                if (traf.Type == "traf") AddTrackFragment(traf, moof, movie, totals);
            }
        }
        return totals;
    }

    private static void AddTrackFragment(Box traf, Box moof, Movie movie, Dictionary<uint, FragmentTotals> totals)
    {
        var tfhd = traf.Require("tfhd", Invariant($"the fragment {moof.Where}"));
        var reader = tfhd.Fields();
        var (_, flags) = reader.FullBoxHeader();
        var trackId = reader.U32();
        if (!totals.TryGetValue(trackId, out var total))
        {
            throw new IsoBmffCorruptException(Invariant($"the fragment {moof.Where} refers to track ID {trackId}, which 'moov' does not declare"));
        }
        if ((flags & 0x01) != 0) reader.Skip(8);
        if ((flags & 0x02) != 0) reader.Skip(4);
        uint? defaultDuration = (flags & 0x08) != 0 ? reader.U32() : null;
        if (defaultDuration is null && movie.TrackDefaults.TryGetValue(trackId, out var trex)) defaultDuration = trex.SampleDuration;

        foreach (var trun in traf.Children().Where(c => c.Type == "trun"))
        {
            reader = trun.Fields();
            var (_, runFlags) = reader.FullBoxHeader();
            var count = reader.U32();
            if ((runFlags & 0x001) != 0) reader.Skip(4);
            if ((runFlags & 0x004) != 0) reader.Skip(4);
            var perSample = 0;
            foreach (var bit in (ReadOnlySpan<uint>)[0x100, 0x200, 0x400, 0x800])
            {
                if ((runFlags & bit) != 0) perSample += 4;
            }
            reader.NeedEntries(count, perSample, "samples");
            total.Samples += count;

            if ((runFlags & 0x100) != 0)
            {
                for (uint i = 0; i < count; i++)
                {
                    total.Duration += reader.U32();
                    reader.Skip(perSample - 4);
                }
            }
            else if (defaultDuration is { } duration)
            {
                total.Duration += (ulong)count * duration;
            }
            else if (count > 0)
            {
                total.DurationKnown = false;
            }
        }
    }
}
