using Preflight.Core.Inspection;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Fetching;

/// <summary>
/// A URL asset, checked the way the generation API's fetcher will see it: fetched (SSRF-safe, within the
/// kind's size limit) into a private folder, inspected by the engine, and annotated with where it came from.
/// A URL that cannot be fetched is a <c>fail</c> report, never an exception. Shared by the HTTP API and job checks.
/// </summary>
public sealed class UrlInspector(UrlFetcher fetcher, Profile profile)
{
    private const string NotHashed = "not-hashed";

    /// <summary>Whether a <c>probe.failed</c> row quotes the exception (true for a local command, false for a service).</summary>
    public bool ShowEngineFailureReason { get; init; }

    /// <summary>Told about an engine exception that became a <c>probe.failed</c> row (e.g. to log it).</summary>
    public Action<Exception>? OnEngineFailure { get; init; }

    /// <summary>Checks <paramref name="url"/> from its whole body (hashed), as the checks that stage or decode need.</summary>
    public Task<FileReport> InspectAsync(
        string url,
        AssetKind? kind,
        InspectionOptions options,
        string folder,
        Func<InspectionRequest, InspectionOptions, CancellationToken, Task<FileReport>> inspect,
        Func<FileReport, string, CancellationToken, Task<FileReport>>? afterInspect,
        CancellationToken cancellationToken) =>
        InspectAsync(url, kind, options, folder, inspect, afterInspect, wholeBody: true, cancellationToken);

    /// <param name="kind">The kind the caller declares; null = from the URL's extension, else Content-Type, else the bytes.</param>
    /// <param name="inspect">The engine call (the API routes it through its concurrency gate).</param>
    /// <param name="afterInspect">
    /// Runs while the downloaded file still exists (e.g. staging); may return a changed report. Its file is the whole
    /// body only with <paramref name="wholeBody"/>.
    /// </param>
    /// <param name="wholeBody">
    /// Read the whole body (and hash it) even when the quick check needs less: staging, an explicit hash. A deep check
    /// always reads it whole. When false, a server that serves byte ranges is read only as far as the quick check needs.
    /// </param>
    public async Task<FileReport> InspectAsync(
        string url,
        AssetKind? kind,
        InspectionOptions options,
        string folder,
        Func<InspectionRequest, InspectionOptions, CancellationToken, Task<FileReport>> inspect,
        Func<FileReport, string, CancellationToken, Task<FileReport>>? afterInspect,
        bool wholeBody,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The request's profile (?profile=, --profile) wins over the one this inspector was built with.
        var rules = options.Profile ?? profile;
        var uri = Uri.TryCreate(url, UriKind.Absolute, out var parsed) ? parsed : null;
        var kindBeforeFetch = kind ?? (uri is null ? null : UrlKindHints.FromPath(uri));
        // The engine reads the extension from the display path: give it the URL's path, never its query string.
        var displayPath = uri?.GetLeftPart(UriPartial.Path) ?? url;
        var fileName = HeadVerdict.FileNameOf(displayPath);
        var urlFindings = UrlRules.BeforeFetch(rules.Url, url).ToList();
        // A quick check stops reading a body whose first bytes already fail it (a ZIP behind a video URL).
        VerdictFromHead decides = (sniff, source) =>
            HeadVerdict.Fails(rules, Declared(rules, kindBeforeFetch ?? UrlKindHints.FromContentType(source.ContentType), sniff), fileName, sniff);
        var fetched = await fetcher.FetchAsync(url, FetchLimits.For(rules, kindBeforeFetch), folder,
            partialAllowed: !wholeBody && !options.Deep, decides, cancellationToken);
        var kindAfterHeaders = kindBeforeFetch ?? UrlKindHints.FromContentType(fetched.Source.ContentType);
        urlFindings.AddRange(UrlRules.AfterFetch(rules.Url, fetched.Source));
        if (UrlRules.WantsHead(rules.Url) && fetched.Source.HttpStatus is not null)
            urlFindings.AddRange(UrlRules.Head(rules.Url, await fetcher.HeadAsync(url, cancellationToken)));

        if (fetched is { DecidedByHead: true, Sniff: { } head, Source.ContentLength: { } size })
        {
            var early = HeadVerdict.Report(rules, displayPath, Declared(rules, kindAfterHeaders, head), head, size, sha256: null);
            return early.WithFindings([.. fetched.Findings, .. urlFindings, .. Mismatch(fetched.Source, head.Format)]) with
            {
                Path = url,
                Source = fetched.Source,
            };
        }

        if (fetched.FilePath is null)
        {
            return new FileReport
            {
                Path = url,
                Kind = kindAfterHeaders ?? AssetKind.Unknown,
                Verdict = Verdict.Fail,
                Findings = [.. fetched.Findings, .. urlFindings],
                Source = fetched.Source,
            };
        }

        try
        {
            // Sniffed once, while the body arrived: the kind, the engine and the Content-Type check all use that answer.
            var sniffed = fetched.Sniff ?? FormatSniffer.Default.Sniff(fetched.FilePath);
            var declared = Declared(rules, kindAfterHeaders, sniffed);
            var inspected = await FileInspection.InspectAsync(new InspectFile(inspect),
                // A partly fetched body has no hash: a stand-in keeps the engine from hashing the sparse file, and goes again below.
                new InspectionRequest(fetched.FilePath, displayPath) { DeclaredKind = declared, Sha256 = fetched.Sha256 ?? NotHashed, Sniff = sniffed },
                fetched.Ingested, options, ShowEngineFailureReason, OnEngineFailure, cancellationToken);

            var mismatch = inspected.Detected is { } detected ? Mismatch(fetched.Source, detected.Format) : [];
            var report = inspected.WithFindings([.. fetched.Findings, .. urlFindings, .. mismatch]) with
            {
                Path = url,
                Source = fetched.Source,
            };
            if (!fetched.Complete) report = report with { Sha256 = null };
            return afterInspect is null ? report : await afterInspect(report, fetched.FilePath, cancellationToken);
        }
        finally
        {
            TryDelete(fetched.FilePath);
        }
    }

    /// <summary>The kind a URL asset is judged as: the caller's or its hints', else what its bytes are.</summary>
    private static AssetKind Declared(Profile rules, AssetKind? hinted, SniffResult sniff) =>
        hinted ?? rules.KindAccepting(sniff.Format) ?? FormatFamilies.FamilyOf(sniff.Format);

    private static Finding[] Mismatch(UrlSource source, string format) =>
        UrlKindHints.ContentTypeMismatch(source.ContentType, format) is { } mismatch ? [mismatch] : [];

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
