using System.IO.Enumeration;
using Preflight.Core.Reports.Writers;

namespace Preflight.Cli.Check;

/// <summary>One file to check: where it is, and what the report calls it.</summary>
public sealed record InputFile(string FullPath, string DisplayPath);

/// <summary>
/// Expands PATH arguments into files. A file is reported as given; a folder is walked recursively and its
/// files are reported relative to it with '/' separators, in ordinal order of that relative path, so two runs
/// over the same tree list the same rows. Symlinked folders are followed, but never into a folder already
/// walked (no loops, no double counting); every such skip is said on standard error.
/// </summary>
public static class FileCollector
{
    /// <summary>Every entry, hidden ones included, one level deep; an unreadable folder is an error, not a skip.</summary>
    private static readonly EnumerationOptions Listing = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    public static IReadOnlyList<InputFile> Collect(IReadOnlyList<string> paths, string workingDirectory, TextWriter notes) =>
        Gather(paths, workingDirectory, notes).Files;

    /// <summary>
    /// The files, with every folder walked and the status it had just before it was listed (so a later run can tell
    /// that no folder's entries changed), and whether anything was said on <paramref name="notes"/>.
    /// </summary>
    public static Collection Gather(IReadOnlyList<string> paths, string workingDirectory, TextWriter notes)
    {
        var files = new List<InputFile>();
        var folders = new List<(string, FileStat?)>();
        var noted = new NotedWriter(notes);
        foreach (var given in paths)
        {
            var full = Path.GetFullPath(given, workingDirectory);
            if (Directory.Exists(full))
            {
                var found = CollectFolder(given, full, folders, noted);
                files.AddRange(found);
            }
            else if (File.Exists(full) || new FileInfo(full).LinkTarget is not null)
            {
                // A dangling symlink is listed too: the engine reports it as unreadable instead of it vanishing.
                files.Add(new InputFile(full, given));
            }
            else
            {
                throw new CliSetupException($"no such file or folder: '{given}'");
            }
        }

        if (files.Count == 0)
        {
            throw new CliSetupException(paths.Count == 1
                ? $"no files found in '{paths[0]}'"
                : $"no files found in {string.Join(", ", paths.Select(p => $"'{p}'"))}");
        }
        return new Collection(files, folders, noted.Used);
    }

    /// <summary>What <see cref="Gather"/> found.</summary>
    /// <param name="Folders">Each folder walked (as its path under the PATH argument) and its status before listing; null when unknown.</param>
    /// <param name="Noted">Whether a skipped folder link or another remark was written to the notes.</param>
    public sealed record Collection(IReadOnlyList<InputFile> Files, IReadOnlyList<(string Path, FileStat? Status)> Folders, bool Noted);

    /// <summary>Passes notes on and remembers that there were some.</summary>
    private sealed class NotedWriter(TextWriter inner) : TextWriter
    {
        public bool Used { get; private set; }

        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            Used = true;
            inner.Write(value);
        }

        public override void Write(string? value)
        {
            Used = true;
            inner.Write(value);
        }

        public override void WriteLine(string? value)
        {
            Used = true;
            inner.WriteLine(value);
        }
    }

    private static List<InputFile> CollectFolder(string given, string root, List<(string, FileStat?)> folders, TextWriter notes)
    {
        var found = new List<string>();
        var realRoot = RealPath(root);
        var visited = new HashSet<string>(StringComparer.Ordinal) { realRoot };
        var links = new Queue<string>();
        Walk(given, root, root, realRoot, found, visited, links, folders, notes);

        // Folder links are followed only after the real tree is walked, so a folder reachable both ways is
        // always reported under its real path, whatever the order of the entries.
        while (links.TryDequeue(out var link))
        {
            string target;
            try
            {
                target = RealPath(link);
            }
            catch (IOException e)
            {
                throw new CliSetupException($"cannot follow folder link '{Shown(given, root, link)}': {e.Message}", e);
            }
            if (!visited.Add(target))
            {
                notes.WriteLine($"preflight: not following '{Shown(given, root, link)}': it links to a folder already checked ({target})");
                continue;
            }
            Walk(given, root, link, target, found, visited, links, folders, notes);
        }

        var files = found.Select(f => new InputFile(f, DisplayPath(root, f))).ToArray();
        Array.Sort(files, (a, b) => string.CompareOrdinal(a.DisplayPath, b.DisplayPath));
        return [.. files];
    }

    /// <param name="realFolder">
    /// <paramref name="folder"/> with every symlink resolved: a sub-folder that is not a link is that plus its name, so
    /// no folder's path is resolved component by component again.
    /// </param>
    private static void Walk(
        string given, string root, string folder, string realFolder, List<string> found, HashSet<string> visited, Queue<string> links,
        List<(string, FileStat?)> folders, TextWriter notes)
    {
        List<(string Path, bool IsDirectory)> entries;
        try
        {
            // Taken before the listing: an entry added or removed after it changes the folder's times.
            folders.Add((folder, FileStat.TryGet(folder)));
            // The directory entry's own type (readdir's d_type): a plain file costs no stat of its own here, which a
            // warm re-check of thousands of files would otherwise pay before its one statx per file (CheckCache).
            entries = new FileSystemEnumerable<(string, bool)>(folder, (ref FileSystemEntry e) => (e.ToSpecifiedFullPath(), e.IsDirectory), Listing)
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A gate that silently skips a folder it cannot read would pass files it never saw.
            throw new CliSetupException($"cannot read folder '{Shown(given, root, folder)}': {e.Message}", e);
        }
        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));

        foreach (var (entry, isDirectory) in entries)
        {
            // IsDirectory follows a symbolic link (as Directory.Exists does): a link to a folder is a folder.
            if (!isDirectory)
            {
                found.Add(entry);
            }
            else if (new DirectoryInfo(entry).LinkTarget is not null)
            {
                links.Enqueue(entry);
            }
            else if (Path.Join(realFolder, Path.GetFileName(entry)) is var realEntry && visited.Add(realEntry))
            {
                Walk(given, root, entry, realEntry, found, visited, links, folders, notes);
            }
            else
            {
                notes.WriteLine($"preflight: not checking '{Shown(given, root, entry)}' again: it was reached through a folder link already");
            }
        }
    }

    /// <summary>A walked file's path relative to the folder given, with '/' separators.</summary>
    private static string DisplayPath(string root, string file)
    {
        // Walked files are under root (links are followed by their own path under it): a plain cut, no path maths per file.
        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root.Length : root.Length + 1;
        var relative = file.Length > prefix && file.StartsWith(root, StringComparison.Ordinal) && (prefix == root.Length || file[root.Length] == Path.DirectorySeparatorChar)
            ? file[prefix..]
            : Path.GetRelativePath(root, file);
        return Path.DirectorySeparatorChar == '/' ? relative : relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    /// <summary>The path as the notes show it: relative to what was given, never with a control or bidi character in it.</summary>
    private static string Shown(string given, string root, string path) => ReportText.Printable(
        path == root ? given : Path.Join(given, Path.GetRelativePath(root, path)).Replace(Path.DirectorySeparatorChar, '/'));

    /// <summary>The path with every symlink in it resolved, so two routes to one folder compare equal.</summary>
    public static string RealPath(string path) => RealPath(path, depth: 0);

    /// <summary><see cref="RealPath(string)"/>, or the full path where links cannot be resolved (a loop, a vanished folder).</summary>
    public static string RealPathOrFull(string path)
    {
        try { return RealPath(path); }
        catch (IOException) { return Path.GetFullPath(path); }
    }

    /// <summary>The full paths of the PATH arguments that name files (not folders): inputs the user chose one by one.</summary>
    public static HashSet<string> NamedFiles(IEnumerable<string> positionals, string workingDirectory) =>
        positionals.Select(p => Path.GetFullPath(p, workingDirectory)).Where(p => !Directory.Exists(p)).ToHashSet(StringComparer.Ordinal);

    private static string RealPath(string path, int depth)
    {
        if (depth > 40) throw new IOException("too many levels of symbolic links");
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full) ?? "/";
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Join(current, part);
            var link = new FileInfo(next).LinkTarget;
            if (link is not null)
            {
                // A relative link target is relative to the folder that holds the link.
                next = RealPath(Path.GetFullPath(link, current), depth + 1);
            }
            current = next;
        }
        return current;
    }
}
