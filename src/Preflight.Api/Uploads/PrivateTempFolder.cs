using Preflight.Api.Hosting;

namespace Preflight.Api.Uploads;

/// <summary>
/// One request's private folder (owner-only) under the configured temp root, deleted with everything in it on
/// dispose — whatever way the request ended.
/// </summary>
internal sealed class PrivateTempFolder : IDisposable
{
    private readonly ILogger _logger;

    private PrivateTempFolder(string path, ILogger logger)
    {
        Path = path;
        _logger = logger;
    }

    public string Path { get; }

    public static PrivateTempFolder Create(UploadOptions options, ILogger logger)
    {
        var root = options.ResolvedTempFolder;
        var folder = System.IO.Path.Combine(root, Guid.NewGuid().ToString("N"));
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            Directory.CreateDirectory(root, ownerOnly);
            Directory.CreateDirectory(folder, ownerOnly);
        }
        return new PrivateTempFolder(folder, logger);
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.TempCleanupFailed(_logger, Path, e);
        }
    }
}
