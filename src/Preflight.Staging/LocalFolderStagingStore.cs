using System.Collections.Frozen;
using Preflight.Core.Formats;
using Preflight.Core.Sniffing;
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

        var temp = Path.Combine(Root, $".{Guid.NewGuid():N}.partial");
        try
        {
            Directory.CreateDirectory(Root);
            await using (var source = new FileStream(request.FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous))
            await using (var destination = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await source.CopyToAsync(destination, cancellationToken);
                // On disk before it gets its content name: after a power loss a name must never stand for bytes that
                // were lost, since a staged name is never written again.
                destination.Flush(flushToDisk: true);
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
            if (File.Exists(temp)) File.Delete(temp);
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

/// <summary>
/// Staged names are <c>&lt;64 hex&gt;.&lt;ext&gt;</c>, the extension one a media format (image, audio, video) declares:
/// nothing else is ever served or written. Every format a profile can accept is stageable (an <c>ltx</c> WebP, an
/// M4A), never SVG, which is markup that runs script when served from this origin.
/// </summary>
public static class StagedNames
{
    private static readonly FrozenDictionary<string, string> ContentTypes = BuildContentTypes();

    public static bool IsValid(string name) =>
        name.Length > 64 && name[..64].All(char.IsAsciiHexDigitLower) && ContentTypes.ContainsKey(name[64..]);

    public static string ContentTypeOf(string name) =>
        name.Length > 64 && ContentTypes.TryGetValue(name[64..], out var type) ? type : "application/octet-stream";

    private static FrozenDictionary<string, string> BuildContentTypes()
    {
        // The long-standing names first, so a shared extension keeps its usual type (".mp3" is MP3's, not MP2's).
        var types = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [".mp4"] = "video/mp4",
            [".jpg"] = "image/jpeg",
            [".png"] = "image/png",
            [".wav"] = "audio/wav",
            [".mp3"] = "audio/mpeg",
        };
        foreach (var format in FormatRegistry.All)
        {
            if (format.Family is not (AssetKind.Image or AssetKind.Audio or AssetKind.Video) || format.Id == KnownFormats.Svg)
                continue;
            foreach (var extension in format.Extensions.Append("." + format.Id))
            {
                if (extension.Length is > 1 and <= 6 && extension[0] == '.' && extension[1..].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
                    types.TryAdd(extension, format.Mime);
            }
        }
        return types.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
