using System.Collections.Concurrent;
using System.Globalization;
using Preflight.TestSupport.Mutations;

// The C# half of bench/mutation-campaign.sh (the generator and the reference decoder live in tests/Preflight.TestSupport,
// shared with the CI test MutationCampaignTests):
//   MutationBench generate FOLDER COUNT SEED [EXT]
//                                              COUNT mutated files into FOLDER/files, one line each into FOLDER/mutations.tsv
//                                              (file, seed file, kind, what was done); EXT (".mp3"): only seeds of that type
//   MutationBench reference FOLDER JOBS        ffmpeg -threads 1 -xerror on each file, JOBS at a time, into FOLDER/reference.tsv
//                                              (file, rejected 0/1, ffmpeg's first line)
const string Usage = "usage: MutationBench generate FOLDER COUNT SEED [EXT] | MutationBench reference FOLDER JOBS";

if (args is ["generate", var outFolder, var countText, var seedText, ..] && args.Length <= 5
    && int.TryParse(countText, out var count) && int.TryParse(seedText, out var seed))
{
    var folder = Path.GetFullPath(outFolder);
    var files = Path.Combine(folder, "files");
    Directory.CreateDirectory(files);
    var seeds = MutationSeeds.Load(Path.Combine(folder, "seeds"))
        .Where(s => args.Length < 5 || string.Equals(s.Extension, args[4], StringComparison.OrdinalIgnoreCase))
        .ToList();
    if (seeds.Count == 0)
    {
        Console.Error.WriteLine($"no seed file of type '{args[4]}'");
        return 2;
    }
    using var tsv = new StreamWriter(Path.Combine(folder, "mutations.tsv"));
    foreach (var mutant in new MutationGenerator(seed).Generate(seeds, count))
    {
        File.WriteAllBytes(Path.Combine(files, mutant.FileName), mutant.Bytes);
        tsv.WriteLine(string.Join('\t', mutant.FileName, mutant.SeedName, mutant.Kind, Clean(mutant.Description)));
    }
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} files from {seeds.Count} seeds (seed {seed}) in {files}"));
    return 0;
}

if (args is ["reference", var refFolder, var jobsText] && int.TryParse(jobsText, out var jobs))
{
    var folder = Path.GetFullPath(refFolder);
    var results = new ConcurrentDictionary<string, ReferenceVerdict>();
    await Parallel.ForEachAsync(Directory.EnumerateFiles(Path.Combine(folder, "files")), new ParallelOptions { MaxDegreeOfParallelism = jobs },
        async (path, ct) => results[Path.GetFileName(path)] = await ReferenceDecoder.DecodeAsync(path, TimeSpan.FromMinutes(2), ct));
    await File.WriteAllLinesAsync(Path.Combine(folder, "reference.tsv"),
        results.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}\t{(r.Value.Rejected ? 1 : 0)}\t{Clean(r.Value.Detail)}"));
    return 0;
}

Console.Error.WriteLine(Usage);
return 2;

static string Clean(string text) => text.Replace('\t', ' ').Replace('\n', ' ').Replace('\r', ' ');
