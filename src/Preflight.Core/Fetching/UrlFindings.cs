using System.Globalization;
using System.Net;
using Preflight.Core.Reports;

namespace Preflight.Core.Fetching;

/// <summary>The wording of every URL finding, in one place so messages stay consistent.</summary>
internal static class UrlFindings
{
    private const string PublicFix =
        "Give the generation API a direct, public link to the file itself (one that downloads the bytes without a login), e.g. a storage URL or a signed URL.";

    public static Finding Invalid(string why) =>
        Finding.Error(FindingCodes.UrlInvalid, $"The URL cannot be fetched: {why}.",
            fix: "Use an absolute http:// or https:// URL without a user name or password in it.");

    public static Finding Blocked(string host, IPAddress address, AddressClass addressClass) =>
        Finding.Error(FindingCodes.UrlBlocked,
            $"'{host}' leads to {address}, {AddressPolicy.Describe(addressClass)}. URLs must lead to a public address; "
            + "Preflight never connects to internal networks, and the generation API cannot reach them either.",
            actual: $"{address} ({addressClass})",
            limit: "a public IP address",
            fix: PublicFix);

    public static Finding Unreachable(string why) =>
        Finding.Error(FindingCodes.UrlUnreachable, $"The URL could not be fetched: {why}.",
            fix: "Check that the host name is right and that the server is up and reachable from the internet.");

    public static Finding TimedOut(TimeSpan timeout) =>
        Unreachable($"timed out after {Seconds(timeout)}");

    public static Finding NotPublic(int status) =>
        Finding.Error(FindingCodes.UrlNotPublic,
            $"The server answered HTTP {status} ({StatusName(status)}): the file is not public, so the generation API cannot download it.",
            actual: status.ToString(CultureInfo.InvariantCulture),
            fix: PublicFix);

    public static Finding LoginRedirect(Uri location) =>
        Finding.Error(FindingCodes.UrlNotPublic,
            $"The server redirects to what looks like a login page ({location.Host}{location.AbsolutePath}): the file is not public, so the generation API cannot download it.",
            actual: location.Host + location.AbsolutePath,
            fix: PublicFix);

    public static Finding NotFound(int status) =>
        Finding.Error(FindingCodes.UrlNotFound,
            $"The server answered HTTP {status} ({StatusName(status)}): there is no file at this URL.",
            actual: status.ToString(CultureInfo.InvariantCulture),
            fix: "Check the URL; links that expire (signed URLs, temporary shares) must still be valid when the job runs.");

    public static Finding HttpError(int status) =>
        Finding.Error(FindingCodes.UrlHttpError,
            $"The server answered HTTP {status} ({StatusName(status)}) instead of the file.",
            actual: status.ToString(CultureInfo.InvariantCulture),
            limit: "2xx");

    public static Finding TooManyRedirects(int maxRedirects) =>
        Finding.Error(FindingCodes.UrlHttpError,
            $"The server redirected more than {maxRedirects} times (a redirect loop, or a chain the generation API may not follow).",
            actual: $"> {maxRedirects} redirects",
            limit: $"{maxRedirects} redirects",
            fix: "Give the final, direct URL of the file.");

    public static Finding RedirectWithoutLocation(int status) =>
        Finding.Error(FindingCodes.UrlHttpError,
            $"The server answered HTTP {status} ({StatusName(status)}) without a usable Location to follow.",
            actual: status.ToString(CultureInfo.InvariantCulture),
            limit: "2xx");

    public static Finding ReturnsHtml(string basis) =>
        Finding.Error(FindingCodes.UrlReturnsHtml,
            $"The server answered a web page instead of the media file ({basis}): the classic share-link mistake.",
            actual: "text/html",
            fix: "Use the direct download link of the file, not the page that shows it "
                + "(Google Drive: https://drive.google.com/uc?export=download&id=FILE_ID; Dropbox: end the link with ?dl=1).");

    public static Finding TooLargeDeclared(long contentLength, FetchLimits limits) =>
        Finding.Error(FindingCodes.FileTooLarge,
            $"{Capitalise(limits.Label)} may be at most {Megabytes(limits.MaxBytes)}{SourceNote(limits)}; "
            + $"the server announces {Megabytes(contentLength)} (Content-Length), so it was not downloaded.",
            actual: contentLength.ToString(CultureInfo.InvariantCulture),
            limit: limits.MaxBytes.ToString(CultureInfo.InvariantCulture));

    public static Finding TooLargeStreamed(FetchLimits limits) =>
        Finding.Error(FindingCodes.FileTooLarge,
            $"{Capitalise(limits.Label)} may be at most {Megabytes(limits.MaxBytes)}{SourceNote(limits)}; "
            + "the download went past that and was stopped.",
            actual: "> " + limits.MaxBytes.ToString(CultureInfo.InvariantCulture),
            limit: limits.MaxBytes.ToString(CultureInfo.InvariantCulture));

    public static Finding ReadLimitSpent(FetchLimits limits, long spent) =>
        Finding.Error(FindingCodes.UrlHttpError,
            "The server stopped answering byte ranges consistently (a later range came back as the whole file or as other bytes than asked), "
            + $"and reading the file again whole would take this check past {Megabytes(limits.MaxBytes)} read in all, the size limit of "
            + $"{limits.Label}{SourceNote(limits)}; {Megabytes(spent)} had been read, so Preflight stopped.",
            actual: spent.ToString(CultureInfo.InvariantCulture),
            limit: limits.MaxBytes.ToString(CultureInfo.InvariantCulture),
            fix: "Serve the file with consistent byte ranges (or without range support), e.g. from a storage bucket or CDN.");

    public static Finding ChangedDuringCheck(string why) =>
        Finding.Error(FindingCodes.UrlChangedDuringCheck,
            $"The file changed while Preflight was reading it ({why}): the parts read do not belong to one version of the file.",
            fix: "Check again once the file is no longer being replaced; the generation API would download whichever version is there when the job runs.");

    public static string Seconds(TimeSpan span) =>
        span.TotalSeconds >= 1
            ? span.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture) + " s"
            : span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private static string Megabytes(long bytes) =>
        (bytes / 1_000_000d).ToString("0.##", CultureInfo.InvariantCulture) + " MB ("
        + bytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes)";

    private static string SourceNote(FetchLimits limits) => limits.Source is null ? "" : $" ({limits.Source})";

    private static string Capitalise(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string StatusName(int status) => status switch
    {
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        _ => Enum.IsDefined(typeof(HttpStatusCode), status) ? ((HttpStatusCode)status).ToString() : "unknown status",
    };
}
