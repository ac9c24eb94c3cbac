using Preflight.Core.Previews;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;

namespace Preflight.Cli.Check;

/// <summary>
/// <c>--format html</c>: each entry gains its preview (thumbnail, frame, waveform) as a small embedded image,
/// made while the files are at hand. A preview that cannot be made is left out; it never changes a verdict.
/// </summary>
internal static class HtmlPreviews
{
    /// <summary>Previews stop after this many files, so a huge folder still gives a report of sensible size.</summary>
    public const int MaxFiles = 1000;

    public static async Task<FileReport[]> AddAsync(
        FileReport[] reports, IReadOnlyList<InputFile> inputs, MediaTools mediaTools, int jobs, CancellationToken cancellationToken)
    {
        var maker = new PreviewMaker(mediaTools);
        var result = (FileReport[])reports.Clone();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, Math.Min(reports.Length, MaxFiles)), parallel, async (index, ct) =>
        {
            var preview = await maker.MakeAsync(reports[index], inputs[index].FullPath, ct);
            if (preview is not null) result[index] = reports[index] with { Preview = preview.ToInfo(url: null) };
        });
        return result;
    }
}
