using System.Text;

namespace Preflight.Api.Hosting;

/// <summary>
/// Every log line the service writes. File names are escaped (they come from strangers), URLs lose their query
/// strings (signed URLs carry credentials there), and API keys and file contents never appear.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Upload received: {FileName} ({Bytes} bytes, sha256 {Sha256Prefix}…)")]
    public static partial void UploadReceived(ILogger logger, string fileName, long bytes, string sha256Prefix);

    [LoggerMessage(2, LogLevel.Warning, "Upload refused: body over {LimitBytes} bytes")]
    public static partial void UploadTooLarge(ILogger logger, long limitBytes);

    [LoggerMessage(3, LogLevel.Information, "Upload aborted by the client after {Bytes} bytes")]
    public static partial void UploadAborted(ILogger logger, long bytes);

    [LoggerMessage(4, LogLevel.Warning, "Inspection queue full ({Capacity} requests admitted); answered 503")]
    public static partial void QueueFull(ILogger logger, int capacity);

    [LoggerMessage(5, LogLevel.Warning, "Missing or wrong API key from {RemoteAddress}")]
    public static partial void ApiKeyRejected(ILogger logger, string remoteAddress);

    [LoggerMessage(6, LogLevel.Warning, "Rate limit exceeded for {Partition}")]
    public static partial void RateLimited(ILogger logger, string partition);

    [LoggerMessage(7, LogLevel.Information, "Checked {Files} file(s) from {Origin}: {Passed} passed, {Failed} failed in {DurationMs} ms")]
    public static partial void Checked(ILogger logger, int files, string origin, int passed, int failed, long durationMs);

    [LoggerMessage(8, LogLevel.Information, "Fetched {Url}: HTTP {Status}, {Bytes} bytes, {Redirects} redirect(s)")]
    public static partial void UrlFetched(ILogger logger, string url, int? status, long? bytes, int redirects);

    [LoggerMessage(9, LogLevel.Information, "URL not fetched {Url}: {Code}")]
    public static partial void UrlRefused(ILogger logger, string url, string code);

    [LoggerMessage(10, LogLevel.Error, "A tool the inspection needs is missing: {Tool}")]
    public static partial void ToolMissing(ILogger logger, string tool);

    [LoggerMessage(11, LogLevel.Warning, "Could not delete the upload temp folder {Folder}")]
    public static partial void TempCleanupFailed(ILogger logger, string folder, Exception exception);

    [LoggerMessage(30, LogLevel.Error, "The engine failed on {FileName}; answered a probe.failed row")]
    public static partial void EngineFailed(ILogger logger, string fileName, Exception exception);

    [LoggerMessage(12, LogLevel.Information, "Checked job {Endpoint} on plan {Plan}: {Verdict}, {Assets} asset(s), {Findings} finding(s) in {DurationMs} ms")]
    public static partial void JobChecked(ILogger logger, string endpoint, string plan, string verdict, int assets, int findings, long durationMs);

    /// <summary>Control characters and quotes escaped, length capped: safe to put in one log line.</summary>
    public static string Escape(string? text, int maxLength = 200)
    {
        if (string.IsNullOrEmpty(text)) return "\"\"";
        var builder = new StringBuilder(Math.Min(text.Length, maxLength) + 2).Append('"');
        foreach (var c in text.Length > maxLength ? text[..maxLength] : text)
        {
            if (c is '"' or '\\') builder.Append('\\').Append(c);
            else if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' or '\u202E')
                builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            else builder.Append(c);
        }
        if (text.Length > maxLength) builder.Append('…');
        return builder.Append('"').ToString();
    }

    /// <summary>The URL without user info, query or fragment (a signed URL's secret lives in its query string).</summary>
    public static string RedactUrl(string? url)
    {
        if (string.IsNullOrEmpty(url)) return "\"\"";
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) return Escape(url.Split('?', '#')[0], 120);
        var redacted = uri.GetComponents(UriComponents.Scheme | UriComponents.Host | UriComponents.Port | UriComponents.Path,
            UriFormat.UriEscaped);
        return Escape(uri.Query.Length > 0 ? redacted + "?…" : redacted);
    }
}
