using Preflight.Core.Reports;

namespace Preflight.Staging;

/// <summary>A file that passed inspection, ready to be staged under its content address.</summary>
/// <param name="FilePath">The bytes (a private temp file or the user's file).</param>
/// <param name="Sha256">Lower-case hex SHA-256, computed once while the file was received.</param>
/// <param name="Extension">Extension of the DETECTED format (".jpg" for jpeg), never the client's.</param>
/// <param name="ContentType">MIME type of the detected format, never the client's.</param>
/// <param name="BaseUrl">Base URL of this service, for stores that serve files themselves (local store).</param>
public sealed record StageRequest(string FilePath, string Sha256, string Extension, string ContentType, string? BaseUrl = null)
{
    public string BlobName => Sha256 + Extension;
}

public sealed record StoreHealth(string Store, bool Healthy, string Detail);

/// <summary>Where passing files go so the generation API can fetch them.</summary>
public interface IStagingStore
{
    /// <summary>Stages the file; never overwrites. Throws <see cref="StagingException"/> when it cannot.</summary>
    Task<StagedInfo> StageAsync(StageRequest request, CancellationToken cancellationToken);

    Task<StoreHealth> CheckHealthAsync(CancellationToken cancellationToken);
}

public sealed class StagingException(string message, Exception? inner = null) : Exception(message, inner);
