namespace Preflight.Core.Ingest;

/// <summary>
/// A fresh owner-only folder (mode 700 on Unix) under a generated name, deleted with everything in it on dispose —
/// whatever way the work ended. Every file Preflight receives (upload part, URL body, blob) lives in one of these,
/// alone, so a tool that follows relative names (ffprobe playlists, concat scripts) finds nothing else there.
/// </summary>
public sealed class PrivateTempFolder : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private readonly Action<string, Exception>? _onCleanupFailed;

    private PrivateTempFolder(string path, Action<string, Exception>? onCleanupFailed)
    {
        Path = path;
        _onCleanupFailed = onCleanupFailed;
    }

    public string Path { get; }

    /// <param name="root">Parent folder (created owner-only when missing); null or blank = the system temp folder.</param>
    /// <param name="prefix">Start of the generated name, so an operator can tell whose folder it is.</param>
    /// <param name="onCleanupFailed">Told when the folder could not be deleted (disk error); never throws.</param>
    public static PrivateTempFolder Create(string? root, string prefix = "preflight-", Action<string, Exception>? onCleanupFailed = null)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (string.IsNullOrWhiteSpace(root))
        {
            // CreateTempSubdirectory makes an unguessable name with mode 700 in one step.
            return new PrivateTempFolder(Directory.CreateTempSubdirectory(prefix).FullName, onCleanupFailed);
        }

        var parent = System.IO.Path.GetFullPath(root);
        var folder = System.IO.Path.Combine(parent, prefix + Guid.NewGuid().ToString("N"));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(parent, OwnerOnly);
            Directory.CreateDirectory(folder, OwnerOnly);
        }
        return new PrivateTempFolder(folder, onCleanupFailed);
    }

    /// <summary>A new file name inside the folder: generated, never the client's.</summary>
    public string NewFilePath(string stem = "in") =>
        System.IO.Path.Combine(Path, stem + "-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _onCleanupFailed?.Invoke(Path, e);
        }
    }
}
