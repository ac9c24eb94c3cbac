using System.Security.Cryptography;
using Preflight.Core.Remediation;
using Preflight.Core.Reports;

namespace Preflight.Staging;

/// <summary>
/// Stages a fix's output (<see cref="FixOutcome"/>) the way passing files are staged: under its content address
/// (<c>&lt;sha256&gt;&lt;extension&gt;</c>), never overwriting. Shared by <c>POST /v1/fix/*</c> and the worker's AutoFix.
/// </summary>
public static class FixedOutputStaging
{
    /// <summary>The staged output; throws <see cref="StagingException"/> when the store refuses it (each face decides what that means).</summary>
    public static async Task<StagedInfo> StageFixedAsync(this Stager stager, FixOutcome outcome, string? baseUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stager);
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.OutputPath is not { } path || outcome.OutputExtension is not { } ext)
            throw new ArgumentException("the fix wrote no output", nameof(outcome));
        var extension = ext.ToLowerInvariant();
        // The re-inspection already hashed the output; a copied passing input has no 'after'.
        var sha256 = outcome.Report.Fix?.After?.Sha256 ?? await HashAsync(path, cancellationToken);
        var blobName = sha256 + extension;
        return await stager.Store.StageAsync(
            new StageRequest(path, sha256, extension, StagedNames.ContentTypeOf(blobName), baseUrl), cancellationToken);
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
