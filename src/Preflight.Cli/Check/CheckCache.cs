using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Preflight.Core.Inspection;
using Preflight.Core.Reports;

namespace Preflight.Cli.Check;

/// <summary>
/// The on-disk verdict cache of <c>preflight check</c>. Two levels, both in the user's cache folder (never beside the
/// checked files):
/// <list type="bullet">
/// <item><c>reports/xx/KEY.json</c>: a report by its <see cref="VerdictKey"/> (content SHA-256, profile digest, plan,
/// mode, engine version, file name). Files with the same bytes and name share one entry.</item>
/// <item><c>paths/ID.json</c>: for one set of PATH arguments, each file's path and status (device, inode, size, mtime,
/// ctime) with the SHA-256 it had and its verdict key in the scope (profile, plan, mode, engine) of the run that wrote
/// it, so an unchanged file is not even read again, and a re-check in the same scope computes no hash at all.</item>
/// <item><c>profiles/ID.json</c>: the resolved profile's <see cref="ProfileIdentity"/> by what resolving it read
/// (<see cref="ProfileIdentity.Fingerprint"/>), so a run whose files all hit loads no profile.</item>
/// <item><c>profiles/ID.sources</c>: the profile's sources (<see cref="ProfileIdentity.Sources"/>) by what the
/// configuration is read from (<see cref="ConfigurationSources"/>), so a replayed run builds no configuration.</item>
/// </list>
/// Entries are written to a temp file and renamed, so a reader never sees half of one; an unreadable entry is a miss.
/// The cache is an optimisation: any failure to read or write it just means the file is inspected.
/// The IDs in file names only locate an entry (XXH128, no cryptography library to load on a warm run); every index and
/// profile entry holds the whole text it was made from and is used only when that text matches exactly. Verdict keys,
/// which name reports by content, stay SHA-256 (<see cref="VerdictKey"/>).
/// </summary>
public sealed class CheckCache
{
    public const string FolderName = "preflight";
    private const string Layout = "v2";

    // The cache's own files (path index, remembered profiles) with build-time metadata, as the reports have: no reflection.
    private static readonly JsonSerializerOptions EntryJson = PreflightJson.With(PreflightJson.Compact, CheckCacheJson.Default);

    private readonly string _root;
    private readonly string _indexPath;
    private readonly string _roots;
    // The path index is read on first use: a run answered by its stored report (ReportReplay) never reads it.
    private readonly Lazy<IndexState> _index;
    private string? _scope;
    private readonly ConcurrentDictionary<string, FileReport?> _reports = new(StringComparer.Ordinal);
    private int _hits;
    private int _filesRead;

    private CheckCache(string folder, string roots)
    {
        Folder = folder;
        _root = Path.Combine(folder, Layout);
        _roots = roots;
        _indexPath = Path.Combine(_root, "paths", Locator(roots) + ".json");
        _index = new Lazy<IndexState>(() =>
        {
            var (previous, previousScope) = ReadIndex(_indexPath, roots);
            // Sized for this run's files up front: a warm run fills it with every entry of the index.
            return new IndexState(previous, previousScope,
                new ConcurrentDictionary<string, string>(Environment.ProcessorCount, Math.Max(31, previous.Count), StringComparer.Ordinal));
        });
    }

    /// <summary>The index the last run wrote (its files and the scope their keys were made in), and this run's.</summary>
    private sealed record IndexState(Dictionary<string, string> Previous, string? PreviousScope, ConcurrentDictionary<string, string> Current);

    private Dictionary<string, string> Previous => _index.Value.Previous;

    private string? PreviousScope => _index.Value.PreviousScope;

    private ConcurrentDictionary<string, string> Current => _index.Value.Current;

    public string Folder { get; }

    /// <summary>Reports answered from the cache in this run.</summary>
    public int Hits => _hits;

    /// <summary>Files whose bytes were read for their SHA-256 in this run (an unchanged, known file is not).</summary>
    public int FilesRead => _filesRead;

    /// <summary><c>$XDG_CACHE_HOME/preflight</c>, else <c>~/.cache/preflight</c>; null when neither can be known.</summary>
    public static string? DefaultFolder(Func<string, string?> environment)
    {
        var xdg = environment("XDG_CACHE_HOME");
        // The XDG spec: a relative value is invalid and must be ignored.
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathFullyQualified(xdg)) return Path.Combine(xdg, FolderName);
        var home = environment("HOME");
        if (string.IsNullOrWhiteSpace(home)) home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return string.IsNullOrWhiteSpace(home) ? null : Path.Combine(home, ".cache", FolderName);
    }

    /// <summary>Opens (creating, owner-only) the cache for one run over <paramref name="roots"/> (the full PATH arguments).</summary>
    public static CheckCache Open(string folder, IEnumerable<string> roots)
    {
        CreatePrivateDirectory(Path.Combine(folder, Layout, "paths"));
        CreatePrivateDirectory(Path.Combine(folder, Layout, "reports"));
        CreatePrivateDirectory(Path.Combine(folder, Layout, "profiles"));
        return new CheckCache(folder, string.Join('\0', roots));
    }

    /// <summary>The cached report for <paramref name="input"/>, or a new inspection (then cached when it may be).</summary>
    public Task<FileReport> CheckAsync(
        InputFile input, InspectionOptions options, Func<InspectionRequest, CancellationToken, Task<FileReport>> inspect, CancellationToken cancellationToken) =>
        CheckAsync(input, VerdictScope.Of(options), inspect, cancellationToken);

    /// <summary>The same, with the verdict keys made from <paramref name="scope"/> (no profile needed for a hit).</summary>
    public async Task<FileReport> CheckAsync(
        InputFile input, VerdictScope scope, Func<InspectionRequest, CancellationToken, Task<FileReport>> inspect, CancellationToken cancellationToken)
    {
        var before = FileStat.TryGet(input.FullPath);
        if (before is not { IsRegularFile: true } stat)
            return await inspect(new InspectionRequest(input.FullPath, input.DisplayPath), cancellationToken);

        var fileName = FileNameOf(input);
        var status = stat.ToString();

        // Level 1: same path, same inode, size and times as last time → the SHA-256 it had, without reading a byte.
        if (Recall(input, stat, scope) is { } remembered) return remembered;

        // Level 2: read the bytes once for their SHA-256; the same content under the same name was judged before.
        string sha256;
        try
        {
            Interlocked.Increment(ref _filesRead);
            sha256 = await Hashing.Sha256FileAsync(input.FullPath, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return await inspect(new InspectionRequest(input.FullPath, input.DisplayPath), cancellationToken);
        }
        var key = scope.KeyFor(sha256, fileName);
        if (ReadReport(key) is { } cached && cached.Sha256 == sha256)
        {
            Current[input.FullPath] = $"{status} {sha256} {key}";
            return Hit(cached, input);
        }

        var report = await inspect(new InspectionRequest(input.FullPath, input.DisplayPath) { Sha256 = sha256 }, cancellationToken);
        // A file that changed while it was read may not match the hash or the report: remember neither. Nor once the run
        // is cancelled: an inspection cut short (its ffmpeg killed by the same Ctrl-C) may report a sound file as damaged.
        if (!cancellationToken.IsCancellationRequested
            && VerdictKey.IsCacheable(report) && report.Sha256 == sha256 && FileStat.TryGet(input.FullPath) == stat)
        {
            WriteReport(key, report);
            Current[input.FullPath] = $"{status} {sha256} {key}";
        }
        return report;
    }

    /// <summary>
    /// The cached report when the path index knows the file unchanged (level 1: its status is read, none of its bytes),
    /// else null. Synchronous, for the pass that answers a warm run before any inspection machinery starts.
    /// </summary>
    public FileReport? TryRecall(InputFile input, VerdictScope scope) =>
        Previous.ContainsKey(input.FullPath) && FileStat.TryGet(input.FullPath) is { IsRegularFile: true } stat
            ? Recall(input, stat, scope)
            : null;

    private FileReport? Recall(InputFile input, FileStat status, VerdictScope scope)
    {
        _scope ??= scope.Material;
        if (!Previous.TryGetValue(input.FullPath, out var known) || !status.Matches(StatusOf(known))
            || SplitIndexValue(known) is not { } split) return null;
        // The key stored beside the hash was made in the index's scope: in the same scope no hash is computed and the
        // index entry stays as it was.
        var sameScope = PreviousScope == scope.Material && split.Key is not null;
        var key = sameScope ? split.Key! : scope.KeyFor(split.Sha, FileNameOf(input));
        if (ReadReport(key) is not { } remembered || remembered.Sha256 != split.Sha) return null;
        Current[input.FullPath] = sameScope ? known : $"{split.Status} {split.Sha} {key}";
        return Hit(remembered, input);
    }

    private static ReadOnlySpan<char> StatusOf(string value) => value.AsSpan(0, Math.Max(0, value.IndexOf(' ')));

    private static string FileNameOf(InputFile input) => Path.GetFileName(input.DisplayPath.Replace('\\', '/').TrimEnd('/'));

    /// <summary>
    /// The last run's whole answer over the same PATH arguments (<see cref="ReportReplay"/>) when it was made for
    /// <paramref name="identity"/> (verdict scope and output format) and no folder or file it listed has changed.
    /// </summary>
    public ReportReplay? TryReplay(string identity) => ReportReplay.TryOpen(ReplayPath, _roots + "\0" + identity);

    /// <summary>
    /// Whether this run's answer may be replayed: nothing was said about the listing (a skipped folder link), every
    /// folder's status is known, every file is in this run's path index (answered by the cache or cached now), and no
    /// status is too recent to tell a later change from it (see <see cref="ReportReplay.Settled"/>).
    /// </summary>
    public bool CanReplay(FileCollector.Collection collection, DateTimeOffset started)
    {
        if (collection.Noted) return false;
        foreach (var (_, status) in collection.Folders)
            if (status is not { } folder || !ReportReplay.Settled(folder, started)) return false;
        foreach (var input in collection.Files)
            if (!Current.TryGetValue(input.FullPath, out var value) || FileStat.Parse(StatusOf(value)) is not { } file || !ReportReplay.Settled(file, started)) return false;
        return true;
    }

    /// <summary>Stores this run's answer for the next run over the same PATH arguments (see <see cref="TryReplay"/>).</summary>
    public void RememberReplay(FileCollector.Collection collection, string identity, int exitCode, IReadOnlyList<byte[]> segments)
    {
        var folders = collection.Folders.Select(f => (f.Path, f.Status!.Value.ToString())).ToList();
        var files = new List<(string, string)>(collection.Files.Count);
        foreach (var input in collection.Files)
        {
            if (!Current.TryGetValue(input.FullPath, out var value)) return;
            files.Add((input.FullPath, StatusOf(value).ToString()));
        }
        ReportReplay.Save(ReplayPath, _roots + "\0" + identity, folders, files, exitCode, segments);
    }

    private string ReplayPath => Path.ChangeExtension(_indexPath, ".replay");

    /// <summary>Writes the path index of this run (only files seen in it, so vanished files drop out).</summary>
    public void Save()
    {
        if (_scope == PreviousScope && Current.Count == Previous.Count
            && Current.All(e => Previous.TryGetValue(e.Key, out var v) && v == e.Value)) return;
        var index = new PathIndex(_roots, _scope, new SortedDictionary<string, string>(Current, StringComparer.Ordinal));
        var json = JsonSerializer.SerializeToUtf8Bytes(index, EntryJson.Info<PathIndex>());
        WriteAtomically(_indexPath, json);
    }

    /// <summary>The profile resolved last time with this <see cref="ProfileIdentity.Fingerprint"/>, or null.</summary>
    public ProfileIdentity? RecallProfile(string fingerprint)
    {
        try
        {
            var remembered = JsonSerializer.Deserialize(File.ReadAllBytes(ProfilePath(fingerprint)), EntryJson.Info<RememberedProfile>());
            // A damaged entry (a field missing or null) is a miss: the profile is resolved again.
            return remembered?.Fingerprint == fingerprint
                && remembered.Profile is { Name: not null, Digest: not null, PlanOrder: not null, Plans: not null } profile
                && !profile.PlanOrder.Contains(null!) && !profile.Plans.Contains(null!)
                    ? profile
                    : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }

    public void RememberProfile(string fingerprint, ProfileIdentity profile) =>
        WriteAtomically(ProfilePath(fingerprint), JsonSerializer.SerializeToUtf8Bytes(new RememberedProfile(fingerprint, profile), EntryJson.Info<RememberedProfile>()));

    /// <summary>
    /// What the configuration with this <see cref="ConfigurationSources.Digest"/> said of the profile's sources, or null.
    /// Stored as NUL-separated UTF-8 (no JSON to load in a warm run): "PFS1", the digest, the selection, each path.
    /// No path, profile name or setting can hold a NUL byte.
    /// </summary>
    public ProfileIdentity.Sources? RecallProfileSources(string configurationDigest)
    {
        try
        {
            var fields = Encoding.UTF8.GetString(File.ReadAllBytes(SourcesPath(configurationDigest))).Split('\0');
            return fields.Length >= 3 && fields[0] == SourcesMagic && fields[1] == configurationDigest
                ? new ProfileIdentity.Sources(fields[2], fields[3..])
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void RememberProfileSources(string configurationDigest, ProfileIdentity.Sources sources)
    {
        if ((sources.Paths.Prepend(sources.Selection)).Any(f => f.Contains('\0'))) return;
        WriteAtomically(SourcesPath(configurationDigest),
            Encoding.UTF8.GetBytes(string.Join('\0', [SourcesMagic, configurationDigest, sources.Selection, .. sources.Paths])));
    }

    private const string SourcesMagic = "PFS1";

    private string SourcesPath(string configurationDigest) => Path.Combine(_root, "profiles", configurationDigest + ".sources");

    private string ProfilePath(string fingerprint) => Path.Combine(_root, "profiles", Locator(fingerprint) + ".json");

    /// <summary>A file name for an entry made from <paramref name="text"/>: 32 hex digits of its XXH128.</summary>
    private static string Locator(string text) => Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(text)));

    private FileReport Hit(FileReport cached, InputFile input)
    {
        Interlocked.Increment(ref _hits);
        return cached with { Path = input.DisplayPath, Cached = true };
    }

    /// <summary>"STATUS SHA256 KEY" (the key may be missing: then it is made again from the hash).</summary>
    private static (string Status, string Sha, string? Key)? SplitIndexValue(string value)
    {
        var first = value.IndexOf(' ');
        if (first <= 0) return null;
        var second = value.IndexOf(' ', first + 1);
        return second < 0
            ? (value[..first], value[(first + 1)..], null)
            : (value[..first], value[(first + 1)..second], value[(second + 1)..]);
    }

    private string ReportPath(string key) => Path.Combine(_root, "reports", key[..2], key + ".json");

    private FileReport? ReadReport(string key) => _reports.GetOrAdd(key, k =>
    {
        try
        {
            var bytes = File.ReadAllBytes(ReportPath(k));
            // Read with the options the report writer uses: one set of report metadata per run, not two. A damaged
            // entry (no findings list, a null finding) is a miss like an unreadable one.
            var report = JsonSerializer.Deserialize(bytes, PreflightJson.Options.Info<FileReport>());
            return report is { Path: not null, Findings: not null } && !report.Findings.Contains(null!) ? report : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    });

    private void WriteReport(string key, FileReport report)
    {
        var stored = report with { Cached = null };
        _reports[key] = stored;
        var path = ReportPath(key);
        try
        {
            CreatePrivateDirectory(Path.GetDirectoryName(path)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return;
        }
        WriteAtomically(path, JsonSerializer.SerializeToUtf8Bytes(stored, PreflightJson.Compact.Info<FileReport>()));
    }

    /// <summary>The index written for exactly these PATH arguments (an index of other roots under the same file name is ignored).</summary>
    private static (Dictionary<string, string> Files, string? Scope) ReadIndex(string path, string roots)
    {
        try
        {
            var index = JsonSerializer.Deserialize(File.ReadAllBytes(path), EntryJson.Info<PathIndex>());
            // A damaged entry ("files": null, a null value) is a miss like an unreadable one, never a crash.
            if (index is { Files: { } files } && index.Roots == roots)
                return (files.Where(e => e.Key is not null && e.Value is not null).ToDictionary(StringComparer.Ordinal), index.Scope);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            // Unreadable: start afresh.
        }
        return (new Dictionary<string, string>(StringComparer.Ordinal), null);
    }

    private static void WriteAtomically(string path, byte[] content) => WriteAtomically(path, stream => stream.Write(content));

    /// <summary>Writes an entry to a temp file and renames it into place; on any failure the entry is just not written.</summary>
    internal static void WriteAtomically(string path, Action<Stream> write)
    {
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                write(stream);
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}

/// <summary>What a verdict was judged against besides the bytes and the name: the profile's digest, the plan and the mode.</summary>
public sealed class VerdictScope(string profileDigest, string? plan, bool deep)
{
    /// <summary>Everything a verdict key is made from besides the content and the name, as one text.</summary>
    public string Material { get; } = string.Join('\n', VerdictKey.EngineVersion, profileDigest, plan ?? "-", deep ? "deep" : "quick");

    // The same content under the same name (copies of one folder, the same logo in every job folder) has one key:
    // computed once per run, not once per file.
    private readonly ConcurrentDictionary<(string Sha256, string FileName), string> _keys = new();

    public string ProfileDigest { get; } = profileDigest;

    public string? Plan { get; } = plan;

    public bool Deep { get; } = deep;

    public static VerdictScope Of(InspectionOptions options) => new(VerdictKey.ProfileDigest(options.Profile), options.Plan, options.Deep);

    public string KeyFor(string sha256, string fileName) =>
        _keys.GetOrAdd((sha256, fileName), static (k, scope) => VerdictKey.For(k.Sha256, k.FileName, null, scope.ProfileDigest, scope.Plan, scope.Deep), this);
}

/// <summary>A path index: the PATH arguments it is for, the verdict scope its keys were made in, and its files.</summary>
internal sealed record PathIndex(string Roots, string? Scope, IDictionary<string, string> Files);

/// <summary>A remembered profile with the fingerprint text it was resolved under.</summary>
internal sealed record RememberedProfile(string Fingerprint, ProfileIdentity Profile);

[JsonSerializable(typeof(PathIndex))]
[JsonSerializable(typeof(RememberedProfile))]
internal sealed partial class CheckCacheJson : JsonSerializerContext;
