using Preflight.Core.Reports;

namespace Preflight.Staging;

/// <summary>
/// The embedded default: passing files copied into a folder and served by the service at <c>/staged/{name}</c>.
/// Written to a temp name then moved without overwrite, so a half-written file is never visible.
/// </summary>
public sealed class LocalFolderStagingStore(StagingOptions options, string? publicBaseUrl = null) : IStagingStore
{
    public string Root { get; } = Path.GetFullPath(options.LocalPath);

    public async Task<StagedInfo> StageAsync(StageRequest request, CancellationToken cancellationToken)
    {
        var baseUrl = (publicBaseUrl ?? request.BaseUrl)?.TrimEnd('/')
            ?? throw new StagingException("The local store needs Preflight:PublicBaseUrl (or a request) to build URLs.");
        var target = Path.Combine(Root, request.BlobName);
        var url = $"{baseUrl}/staged/{request.BlobName}";
        if (File.Exists(target)) return new StagedInfo(url, request.BlobName, request.Sha256, null, AlreadyExisted: true);

        Directory.CreateDirectory(Root);
        var temp = Path.Combine(Root, $".{Guid.NewGuid():N}.partial");
        try
        {
            await using (var source = new FileStream(request.FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous))
            await using (var destination = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await source.CopyToAsync(destination, cancellationToken);
                await destination.FlushAsync(cancellationToken);
            }
            try
            {
                File.Move(temp, target, overwrite: false);
                return new StagedInfo(url, request.BlobName, request.Sha256, null, AlreadyExisted: false);
            }
            catch (IOException) when (File.Exists(target))
            {
                return new StagedInfo(url, request.BlobName, request.Sha256, null, AlreadyExisted: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StagingException($"Could not write to the local staging folder: {e.Message}", e);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The path of a staged file, or null for a name that is not a content address we issued.</summary>
    public string? PathOf(string name) =>
        StagedNames.IsValid(name) && File.Exists(Path.Combine(Root, name)) ? Path.Combine(Root, name) : null;

    public Task<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(Root);
            var probe = Path.Combine(Root, $".health-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return Task.FromResult(new StoreHealth("local-folder", true, Root));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(new StoreHealth("local-folder", false, $"{Root}: {e.Message}"));
        }
    }
}

/// <summary>Staged names are <c>&lt;64 hex&gt;.&lt;ext&gt;</c>: nothing else is ever served or written.</summary>
public static class StagedNames
{
    private static readonly HashSet<string> Extensions = [".mp4", ".jpg", ".png", ".wav", ".mp3"];

    public static bool IsValid(string name) =>
        name.Length > 64 && name[..64].All(char.IsAsciiHexDigitLower) && Extensions.Contains(name[64..]);

    public static string ContentTypeOf(string name) => name[64..] switch
    {
        ".mp4" => "video/mp4",
        ".jpg" => "image/jpeg",
        ".png" => "image/png",
        ".wav" => "audio/wav",
        ".mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    };
}
