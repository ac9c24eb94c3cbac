using System.Text.Json;
using Preflight.Core.Reports;
using Preflight.Core.Reports.Writers;

namespace Preflight.Cli.Check;

/// <summary>What <c>preflight check --watch</c> was told.</summary>
public sealed record WatchSettings(string Folder, string? PassDir, string? FailDir, TimeSpan Settle, int Jobs)
{
    /// <summary>How often the folder is listed. Polling, not inotify: it sees files that arrived in any way, in any number.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>
/// Watches a folder: each new or changed file is checked once its status (size, times, inode) has not changed for the
/// settle time — so a file still being copied is not judged half-way — then its verdict is printed as one line, and
/// the file is moved to the pass or fail folder when one is given (a failing file with its report beside it,
/// <c>NAME.preflight.json</c>). Files that vanish, or change while being checked, are simply looked at again later.
/// Hidden files (names starting with '.', which copy tools use for partial files) and symbolic links are not checked.
/// Runs until cancelled.
/// </summary>
public sealed class FolderWatcher(
    WatchSettings settings,
    Func<InputFile, CancellationToken, Task<FileReport>> check,
    string format,
    TextWriter output,
    TextWriter notes,
    TimeProvider time)
{
    public const string ReportSuffix = ".preflight.json";

    private readonly Dictionary<string, (FileStat Stat, long Since)> _settling = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileStat> _done = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _write = new(1, 1);

    // Compared with every symlink resolved: a watched folder given through a link (or a --pass-dir given through one)
    // must still recognise the pass and fail folders inside it, or moved files would be checked and moved again.
    private readonly string _realFolder = RealFolder(settings.Folder)!;
    private readonly string? _realPassDir = RealFolder(settings.PassDir);
    private readonly string? _realFailDir = RealFolder(settings.FailDir);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ready = Poll();
            if (ready.Count > 0)
            {
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = settings.Jobs, CancellationToken = cancellationToken };
                await Parallel.ForEachAsync(ready, parallel, async (file, ct) => await CheckOneAsync(file, ct));
            }
            await Task.Delay(settings.PollInterval, time, cancellationToken);
        }
    }

    /// <summary>Lists the folder once; returns the files whose status has been stable for the settle time.</summary>
    private List<(InputFile File, FileStat Stat)> Poll()
    {
        var now = time.GetTimestamp();
        var present = new HashSet<string>(StringComparer.Ordinal);
        var ready = new List<(InputFile, FileStat)>();
        foreach (var path in List())
        {
            if (FileStat.TryGet(path) is not { IsRegularFile: true } stat) continue; // vanished since the listing
            present.Add(path);
            if (_done.TryGetValue(path, out var checkedStat) && checkedStat == stat) continue;
            if (!_settling.TryGetValue(path, out var seen) || seen.Stat != stat)
            {
                _settling[path] = (stat, now);
                continue;
            }
            if (time.GetElapsedTime(seen.Since, now) >= settings.Settle)
            {
                _settling.Remove(path);
                ready.Add((new InputFile(path, Path.GetRelativePath(settings.Folder, path).Replace(Path.DirectorySeparatorChar, '/')), stat));
            }
        }
        foreach (var gone in _settling.Keys.Where(p => !present.Contains(p)).ToList()) _settling.Remove(gone);
        foreach (var gone in _done.Keys.Where(p => !present.Contains(p)).ToList()) _done.Remove(gone);
        return ready;
    }

    private IEnumerable<string> List()
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System | FileAttributes.ReparsePoint,
        };
        var files = new List<string>();
        try
        {
            foreach (var file in Directory.EnumerateFiles(settings.Folder, "*", options))
            {
                if (file.EndsWith(ReportSuffix, StringComparison.Ordinal)) continue;
                // Links inside the folder are not listed (ReparsePoint is skipped): only the folder's own path needs resolving.
                var real = Path.Join(_realFolder, Path.GetRelativePath(settings.Folder, file));
                if (IsUnder(real, _realPassDir) || IsUnder(real, _realFailDir)) continue;
                files.Add(file);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A sub-folder vanished mid-listing: what was listed is checked now, the rest at the next poll.
        }
        return files;
    }

    private static string? RealFolder(string? folder) => folder is null ? null : FileCollector.RealPathOrFull(folder);

    private static bool IsUnder(string path, string? folder) =>
        folder is not null && path.StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private async Task CheckOneAsync((InputFile File, FileStat Stat) item, CancellationToken cancellationToken)
    {
        var (file, stat) = item;
        var report = await check(file, cancellationToken);
        var after = FileStat.TryGet(file.FullPath);
        if (after is null) return; // deleted (or renamed) while it was checked: its new name is seen at the next poll
        if (after != stat) return; // written to while it was checked: judged again once it settles

        await EmitAsync(report, cancellationToken);
        var destination = report.Verdict == Verdict.Pass ? settings.PassDir : settings.FailDir;
        if (destination is null)
        {
            lock (_done) _done[file.FullPath] = stat;
            return;
        }
        await MoveAsync(file, report, destination, cancellationToken);
    }

    private async Task EmitAsync(FileReport report, CancellationToken cancellationToken)
    {
        var line = format == ReportWriters.Json ? JsonSerializer.Serialize(report, PreflightJson.Compact.Info<FileReport>()) : TableLine(report);
        await _write.WaitAsync(cancellationToken);
        try
        {
            await output.WriteLineAsync(line.AsMemory(), cancellationToken);
            await output.FlushAsync(cancellationToken);
        }
        finally
        {
            _write.Release();
        }
    }

    private static string TableLine(FileReport file)
    {
        var first = file.Findings.FirstOrDefault(f => f.Severity == Severity.Error) ?? file.Findings.FirstOrDefault();
        var cells = new[]
        {
            ReportText.Verdict(file.Verdict), file.Path, ReportText.Kind(file.Kind), file.Detected?.Format ?? "-",
            ReportText.Size(file.SizeBytes), ReportText.Dimensions(file.Media), ReportText.Duration(file.Media),
            first is null ? "-" : first.Code + ": " + ReportText.Shorten(first.Message, 90),
        };
        // As in the table: no control character, line separator or bidi control from a file name reaches the terminal.
        return ReportText.Printable(string.Join("  ", cells));
    }

    /// <summary>Moves the file under the same relative path (never over another file); a failing one gets its report beside it.</summary>
    private async Task MoveAsync(InputFile file, FileReport report, string destinationRoot, CancellationToken cancellationToken)
    {
        var target = Path.Combine(destinationRoot, file.DisplayPath.Replace('/', Path.DirectorySeparatorChar));
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            target = MoveToFreeName(file.FullPath, target);
            if (report.Verdict == Verdict.Fail)
            {
                var json = JsonSerializer.SerializeToUtf8Bytes(report, PreflightJson.Options.Info<FileReport>());
                await File.WriteAllBytesAsync(target + ReportSuffix, json, cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Vanished before the move, or the destination is not writable: say so, keep watching.
            await notes.WriteLineAsync($"preflight: could not move '{ReportText.Printable(file.DisplayPath)}': {ReportText.Printable(e.Message)}");
        }
    }

    private static string MoveToFreeName(string source, string target)
    {
        var folder = Path.GetDirectoryName(target)!;
        var stem = Path.GetFileNameWithoutExtension(target);
        var extension = Path.GetExtension(target);
        for (var n = 1; ; n++)
        {
            var candidate = n == 1 ? target : Path.Combine(folder, $"{stem}-{n}{extension}");
            if (File.Exists(candidate) || File.Exists(candidate + ReportSuffix)) continue;
            try
            {
                File.Move(source, candidate, overwrite: false);
                return candidate;
            }
            catch (IOException) when (File.Exists(candidate) && File.Exists(source))
            {
                // Taken between the test and the move: try the next name.
            }
        }
    }
}
