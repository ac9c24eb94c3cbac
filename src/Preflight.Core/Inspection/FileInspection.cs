using Preflight.Core.Ingest;
using Preflight.Core.Probing;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Inspection;

/// <summary>The engine call as every face holds it (a delegate, so a host can gate it and tests can stand in for it).</summary>
public delegate Task<FileReport> InspectFile(InspectionRequest request, InspectionOptions options, CancellationToken cancellationToken);

/// <summary>
/// The one entry point from a face to a report. A body over its size limit gets the oversize report (what its
/// bytes are, its size and SHA-256), everything else goes to the engine. An unexpected engine exception becomes a
/// <c>fail</c> row with <see cref="FindingCodes.ProbeFailed"/> for that file alone; only a missing tool
/// (<see cref="MissingToolException"/>, a setup error) and cancellation escape.
/// </summary>
public static class FileInspection
{
    /// <param name="ingested">The received body, when it came through <see cref="Ingestor"/>: its hash and sniff are reused.</param>
    /// <param name="showReason">Whether the row quotes the exception's message (the CLI's own user: yes; a remote client: no, it is logged).</param>
    public static async Task<FileReport> InspectAsync(
        InspectFile inspect,
        InspectionRequest request,
        IngestedFile? ingested,
        InspectionOptions options,
        bool showReason,
        Action<Exception>? onEngineFailure,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inspect);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        if (ingested is { Truncated: true, Sha256: { } sha256, Sniff: { } sniff })
        {
            var kind = request.DeclaredKind ?? options.Profile.KindFromExtension(Path.GetExtension(request.DisplayPath));
            return OversizeReport.Create(options.Profile, request.DisplayPath, sniff, ingested.Bytes, sha256, kind);
        }
        if (ingested is { HeadOnly: true, Sha256: { } hash, Sniff: { } format })
        {
            // Only the head is on disk, kept so because it decides the verdict (for a format the engine does not read
            // further, this is the very report the engine gives).
            return HeadVerdict.Report(options.Profile, request.DisplayPath, request.DeclaredKind, format, ingested.Bytes, hash);
        }

        if (ingested is not null) request = request with { Sha256 = ingested.Sha256, Sniff = ingested.Sniff };
        try
        {
            return await inspect(request, options, cancellationToken);
        }
        catch (Exception e) when (e is not (MissingToolException or OperationCanceledException))
        {
            // The engine reports bad files as findings; an exception here is a bug in it. This file gets a failing
            // row, the others of the batch are still checked, and a queued message still gets its report.
            onEngineFailure?.Invoke(e);
            return EngineFailure(request, options, e, showReason);
        }
    }

    /// <summary>The documented row for a file the engine could not inspect (README: <c>probe.failed</c>).</summary>
    public static FileReport EngineFailure(InspectionRequest request, InspectionOptions options, Exception exception, bool showReason)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var reason = showReason
            ? $"{exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")}"
            : "the details are in the service log";
        return Unchecked(request, options, FindingCodes.ProbeFailed,
            $"Preflight could not inspect this file (internal error; {reason}).");
    }

    /// <summary>A failing row for a file that was not inspected at all.</summary>
    public static FileReport Unchecked(InspectionRequest request, InspectionOptions options, string code, string message) => new()
    {
        Path = request.DisplayPath,
        Kind = request.DeclaredKind ?? options.Profile.KindFromExtension(Path.GetExtension(request.DisplayPath)),
        Verdict = Verdict.Fail,
        Findings = [Finding.Error(code, message)],
    };
}

/// <summary>
/// The report for a file that went past its kind's size limit and was therefore not kept whole. Inspecting the
/// truncated copy would invent corruption, so it gets what is certain: what its first bytes are, its size and hash.
/// </summary>
public static class OversizeReport
{
    public static FileReport Create(Profile profile, string displayName, SniffResult sniff, long sizeBytes, string sha256, AssetKind declaredKind)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var fileName = HeadVerdict.FileNameOf(displayName);
        var sizeKind = profile.SizeLimitFor(declaredKind == AssetKind.Unknown ? null : declaredKind).Kind;
        var findings = FileRules.Format(profile, declaredKind, fileName, sniff)
            .Concat(FileRules.Size(profile, sizeKind, fileName, sizeBytes, media: null))
            .ToList();
        return FileReport.Of(displayName, declaredKind, sniff, sizeBytes, sha256, media: null, findings);
    }
}
