using System.Collections.Concurrent;
using System.Security.Cryptography;
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
/// ctime) with the SHA-256 it had, so an unchanged file is not even read again.</item>
/// <item><c>profiles/FINGERPRINT.json</c>: the resolved profile's <see cref="ProfileIdentity"/> by what resolving it
/// read, so a run whose files all hit loads no profile.</item>
/// </list>
/// Entries are written to a temp file and renamed, so a reader never sees half of one; an unreadable entry is a miss.
/// The cache is an optimisation: any failure to read or write it just means the file is inspected.
/// </summary>
public sealed class CheckCache
{
    public const string FolderName = "preflight";
    private const string Layout = "v1";

    // The cache's own files (path index, remembered profiles) with build-time metadata, as the reports have: no reflection.
    private static readonly JsonSerializerOptions EntryJson = PreflightJson.With(PreflightJson.Compact, CheckCacheJson.Default);

    private readonly string _root;
    private readonly string _indexPath;
    private readonly Dictionary<string, string> _previous;
    private readonly ConcurrentDictionary<string, string> _current;
    private readonly ConcurrentDictionary<string, FileReport?> _reports = new(StringComparer.Ordinal);
    private int _hits;
    private int _filesRead;

    private CheckCache(string folder, string indexId)
    {
        Folder = folder;
        _root = Path.Combine(folder, Layout);
        _indexPath = Path.Combine(_root, "paths", indexId + ".json");
        _previous = ReadIndex(_indexPath);
        // Sized for this run's files up front: a warm run fills it with every entry of the index.
        _current = new ConcurrentDictionary<string, string>(Environment.ProcessorCount, Math.Max(31, _previous.Count), StringComparer.Ordinal);
    }

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
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\0', roots))))[..32];
        return new CheckCache(folder, id);
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
        if (Recall(input, status, fileName, scope) is { } remembered) return remembered;

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
        if (ReadReport(key) is { } cached)
        {
            _current[input.FullPath] = $"{status} {sha256}";
            return Hit(cached, input);
        }

        var report = await inspect(new InspectionRequest(input.FullPath, input.DisplayPath) { Sha256 = sha256 }, cancellationToken);
        // A file that changed while it was read may not match the hash or the report: remember neither.
        if (VerdictKey.IsCacheable(report) && report.Sha256 == sha256 && FileStat.TryGet(input.FullPath) == stat)
        {
            WriteReport(key, report);
            _current[input.FullPath] = $"{status} {sha256}";
        }
        return report;
    }

    /// <summary>
    /// The cached report when the path index knows the file unchanged (level 1: its status is read, none of its bytes),
    /// else null. Synchronous, for the pass that answers a warm run before any inspection machinery starts.
    /// </summary>
    public FileReport? TryRecall(InputFile input, VerdictScope scope) =>
        _previous.ContainsKey(input.FullPath) && FileStat.TryGet(input.FullPath) is { IsRegularFile: true } stat
            ? Recall(input, stat.ToString(), FileNameOf(input), scope)
            : null;

    private FileReport? Recall(InputFile input, string status, string fileName, VerdictScope scope)
    {
        if (!_previous.TryGetValue(input.FullPath, out var known) || SplitIndexValue(known) is not { } split) return null;
        var (knownStatus, knownSha) = split;
        if (knownStatus != status || ReadReport(scope.KeyFor(knownSha, fileName)) is not { } remembered) return null;
        _current[input.FullPath] = known;
        return Hit(remembered, input);
    }

    private static string FileNameOf(InputFile input) => Path.GetFileName(input.DisplayPath.Replace('\\', '/').TrimEnd('/'));

    /// <summary>Writes the path index of this run (only files seen in it, so vanished files drop out).</summary>
    public void Save()
    {
        if (_current.Count == _previous.Count && _current.All(e => _previous.TryGetValue(e.Key, out var v) && v == e.Value)) return;
        var json = JsonSerializer.SerializeToUtf8Bytes(new SortedDictionary<string, string>(_current, StringComparer.Ordinal), EntryJson.Info<SortedDictionary<string, string>>());
        WriteAtomically(_indexPath, json);
    }

    /// <summary>The profile resolved last time with this <see cref="ProfileIdentity.Fingerprint"/>, or null.</summary>
    public ProfileIdentity? RecallProfile(string fingerprint)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(ProfilePath(fingerprint)), EntryJson.Info<ProfileIdentity>());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }

    public void RememberProfile(string fingerprint, ProfileIdentity profile) =>
        WriteAtomically(ProfilePath(fingerprint), JsonSerializer.SerializeToUtf8Bytes(profile, EntryJson.Info<ProfileIdentity>()));

    private string ProfilePath(string fingerprint) => Path.Combine(_root, "profiles", fingerprint + ".json");

    private FileReport Hit(FileReport cached, InputFile input)
    {
        Interlocked.Increment(ref _hits);
        return cached with { Path = input.DisplayPath, Cached = true };
    }

    private static (string Status, string Sha)? SplitIndexValue(string value)
    {
        var space = value.LastIndexOf(' ');
        return space > 0 ? (value[..space], value[(space + 1)..]) : null;
    }

    private string ReportPath(string key) => Path.Combine(_root, "reports", key[..2], key + ".json");

    private FileReport? ReadReport(string key) => _reports.GetOrAdd(key, k =>
    {
        try
        {
            var bytes = File.ReadAllBytes(ReportPath(k));
            // Read with the options the report writer uses: one set of report metadata per run, not two.
            return JsonSerializer.Deserialize(bytes, PreflightJson.Options.Info<FileReport>());
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

    private static Dictionary<string, string> ReadIndex(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), EntryJson.Info<Dictionary<string, string>>()) ?? [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }
    }

    private static void WriteAtomically(string path, byte[] content)
    {
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temp, content);
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

[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
[JsonSerializable(typeof(ProfileIdentity))]
internal sealed partial class CheckCacheJson : JsonSerializerContext;
