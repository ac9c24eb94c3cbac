namespace Preflight.Cli.Commands;

/// <summary>
/// Where each input of <c>preflight fix</c> lands under --out. Two inputs that map to one output ("a.mov" and "a.mkv" →
/// "a.mp4") give the plain name to the one that comes first in the input list; the later keeps its old extension in the
/// name ("a.mkv.mp4"). Names are claimed in input order whatever order the fixes finish in, so the same inputs get the
/// same names with any --jobs.
/// </summary>
internal sealed class FixOutputNames
{
    private readonly string[] _displayPaths;
    private readonly int[][] _earlierRivals;
    private readonly TaskCompletionSource[] _settled;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _claimed = new(StringComparer.Ordinal);
    private readonly HashSet<string> _folders = new(StringComparer.Ordinal);

    public FixOutputNames(IReadOnlyList<string> displayPaths)
    {
        _displayPaths = [.. displayPaths];
        _earlierRivals = EarlierRivals(_displayPaths.Select(p => OutputRelativePath(p, null)).ToArray());
        _settled = _displayPaths.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
    }

    /// <summary>
    /// The input's relative path with the output's extension (none: without one). A file given by an absolute path or
    /// one that climbs out with '..' lands directly in --out under its own name, so no output can escape the folder.
    /// </summary>
    internal static string OutputRelativePath(string displayPath, string? extension)
    {
        var path = displayPath.Replace('\\', '/');
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        var relative = Path.IsPathRooted(path) || parts.Contains("..") || parts.Count == 0
            ? Path.GetFileName(path)
            : string.Join('/', parts);
        return Path.ChangeExtension(relative, extension);
    }

    /// <summary>
    /// The output name of input <paramref name="index"/>, once every earlier input whose name could be the same has
    /// claimed its own or settled without one. Only those are waited for (holding this input's --jobs slot meanwhile):
    /// other inputs' fixes go on in parallel. No deadlock: an input only ever waits for earlier ones, which have started.
    /// </summary>
    /// <returns>The name, or null when none can be written: a folder on its path is an earlier input's output file.</returns>
    public async Task<string?> ClaimAsync(int index, string extension, CancellationToken cancellationToken)
    {
        await Task.WhenAll(_earlierRivals[index].Select(r => _settled[r].Task)).WaitAsync(cancellationToken);
        try
        {
            return Claim(OutputRelativePath(_displayPaths[index], extension), _displayPaths[index]);
        }
        finally
        {
            Settle(index);
        }
    }

    /// <summary>Input <paramref name="index"/> claims nothing (more): later inputs stop waiting for it. Idempotent.</summary>
    public void Settle(int index) => _settled[index].TrySetResult();

    private string? Claim(string relative, string displayPath)
    {
        lock (_gate)
        {
            // A folder on the way that is already an output file cannot be made: no suffix of the file name helps.
            if (Folders(relative).Any(_claimed.Contains)) return null;
            var original = Path.GetExtension(displayPath).TrimStart('.');
            for (var n = 0; ; n++)
            {
                var candidate = n == 0 ? relative
                    : Path.ChangeExtension(relative, null) + "." + (n == 1 ? original : $"{original}-{n}") + Path.GetExtension(relative);
                // Taken: another output's name, or a folder another output is written in.
                if (_claimed.Contains(candidate) || _folders.Contains(candidate)) continue;
                _claimed.Add(candidate);
                _folders.UnionWith(Folders(candidate));
                return candidate;
            }
        }
    }

    /// <summary>"a/b/c.mp4" → "a", "a/b": the folders a relative path is written in.</summary>
    private static IEnumerable<string> Folders(string relative)
    {
        for (var slash = relative.IndexOf('/'); slash > 0; slash = relative.IndexOf('/', slash + 1))
            yield return relative[..slash];
    }

    /// <summary>
    /// Every name an input can get is its stem (relative path without extension) followed by '.' and more, so two inputs
    /// can collide only when their stems are equal or one is the other followed by '.' ("a" and "a.mkv": "a.mkv.mp4" is
    /// the suffixed name of a.mkv and the plain name of a.mkv.mov), or when a folder on one's path is such a name of the
    /// other ("clip.mov" → "clip.mp4", and "clip.mp4/b.mov" is written in a folder "clip.mp4"). For each input: the
    /// earlier inputs related so.
    /// </summary>
    private static int[][] EarlierRivals(string[] stems)
    {
        var byStem = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var byDotPrefix = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var byFolderDotPrefix = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var i = 0; i < stems.Length; i++)
        {
            Add(byStem, stems[i], i);
            foreach (var prefix in DotPrefixes(stems[i])) Add(byDotPrefix, prefix, i);
            foreach (var prefix in Folders(stems[i]).SelectMany(DotPrefixes)) Add(byFolderDotPrefix, prefix, i);
        }

        var rivals = new int[stems.Length][];
        for (var i = 0; i < stems.Length; i++)
        {
            var related = byStem[stems[i]].Concat(byDotPrefix.GetValueOrDefault(stems[i]) ?? [])
                .Concat(DotPrefixes(stems[i]).SelectMany(p => byStem.GetValueOrDefault(p) ?? []))
                .Concat(byFolderDotPrefix.GetValueOrDefault(stems[i]) ?? [])
                .Concat(Folders(stems[i]).SelectMany(DotPrefixes).SelectMany(p => byStem.GetValueOrDefault(p) ?? []));
            rivals[i] = related.Where(j => j < i).Distinct().ToArray();
        }
        return rivals;
    }

    /// <summary>"d/a.b.c" → "d/a", "d/a.b": the stem cut at each dot of its file name.</summary>
    private static IEnumerable<string> DotPrefixes(string stem)
    {
        for (var dot = stem.IndexOf('.', stem.LastIndexOf('/') + 1); dot >= 0; dot = stem.IndexOf('.', dot + 1))
            yield return stem[..dot];
    }

    private static void Add(Dictionary<string, List<int>> index, string key, int value)
    {
        if (!index.TryGetValue(key, out var list)) index[key] = list = [];
        list.Add(value);
    }
}
