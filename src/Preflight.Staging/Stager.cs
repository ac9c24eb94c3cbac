using Preflight.Core.Reports;
using Preflight.Core.Rules;

namespace Preflight.Staging;

/// <summary>Stages passing files and records the outcome on the report. Failing files are never uploaded.</summary>
public sealed class Stager(IStagingStore store, Profile profile)
{
    public IStagingStore Store { get; } = store;

    public static IStagingStore CreateStore(StagingOptions options, string? publicBaseUrl = null) =>
        options.UsesAzure ? new AzureBlobStagingStore(options) : new LocalFolderStagingStore(options, publicBaseUrl);

    /// <summary>
    /// Returns the report with <c>staged</c> set, or with a <c>staging.failed</c> finding; the inspection's own
    /// findings are always kept. A failing report comes back unchanged.
    /// </summary>
    public async Task<FileReport> StageAsync(FileReport report, string filePath, string? baseUrl, CancellationToken cancellationToken)
    {
        if (report.Verdict != Verdict.Pass || report.Detected is null || report.Sha256 is null) return report;
        var request = new StageRequest(filePath, report.Sha256, FileRules.PreferredExtension(profile, report.Detected.Format), report.Detected.Mime, baseUrl);
        try
        {
            return report with { Staged = await Store.StageAsync(request, cancellationToken) };
        }
        catch (StagingException e)
        {
            return report.WithFindings([Finding.Error(FindingCodes.StagingFailed, $"The file passed but could not be staged: {e.Message}")]);
        }
    }
}
