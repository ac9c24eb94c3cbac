using System.Security.Cryptography;

namespace Preflight.Core.Inspection;

public static class Hashing
{
    /// <summary>SHA-256 of a file as lower-case hex, streamed (memory stays flat for 100 MB files).</summary>
    public static async Task<string> Sha256FileAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken);
        return Convert.ToHexStringLower(hash);
    }
}
