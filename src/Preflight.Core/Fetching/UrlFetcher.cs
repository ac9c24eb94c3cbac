using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using Preflight.Core.Ingest;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Fetching;

/// <summary>
/// Downloads a URL the way a public fetcher would, without ever reaching an internal address (SSRF-safe):
/// every connection is vetted at connect time, redirects are followed by hand and re-checked, the body is
/// streamed to a private file under a generated name with a byte limit and a running SHA-256.
/// One instance owns one connection pool: create it once and share it.
/// </summary>
public sealed partial class UrlFetcher : IDisposable
{
    private const int MaxUrlLength = 8192;
    private const int HtmlPrefixLength = 1024;

    private readonly FetchOptions _options;
    private readonly HttpClient _client;
    private readonly SemaphoreSlim _slots;
    private readonly HostSlots _hostSlots;

    public UrlFetcher(FetchOptions options, HostResolver? resolver = null)
        : this(options, resolver, gate: null, connector: null)
    {
    }

    internal UrlFetcher(FetchOptions options, HostResolver? resolver, AddressGate? gate, Connector? connector)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _slots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _hostSlots = new HostSlots(options.MaxConcurrentPerHost);

        var safe = new SafeConnector(
            resolver ?? SafeConnector.SystemResolver,
            gate ?? SafeConnector.PolicyGate(options.AllowPrivateNetworks),
            connector ?? SafeConnector.ConnectSocketAsync);
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = safe.ConnectAsync,
            ConnectTimeout = options.ConnectTimeout,
            AllowAutoRedirect = false,
            UseProxy = false,
            Proxy = null,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            // Disposing an unread response must close the connection, not quietly download up to 1 MB of it.
            MaxResponseDrainSize = 0,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        _client = new HttpClient(handler, disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public FetchOptions Options => _options;

    /// <summary>
    /// Fetches <paramref name="url"/> into a new file under <paramref name="targetDirectory"/>. Problems with the
    /// URL or the server are findings in the result, never exceptions. Only cancellation by
    /// <paramref name="cancellationToken"/>, a missing <paramref name="targetDirectory"/> and local disk failures
    /// (<see cref="IOException"/>) throw. On failure no file is left behind.
    /// </summary>
    public Task<FetchResult> FetchAsync(string url, FetchLimits limits, string targetDirectory, CancellationToken cancellationToken) =>
        FetchAsync(url, limits, targetDirectory, partialAllowed: false, cancellationToken);

    /// <summary>
    /// As <see cref="FetchAsync(string, FetchLimits, string, CancellationToken)"/>; with <paramref name="partialAllowed"/>
    /// a server that serves byte ranges is read only as far as the quick check of an MP4/MOV or WAV needs (the file
    /// is then sparse: <see cref="FetchResult.Complete"/> is false and there is no SHA-256). Any other format, or a
    /// body the quick check cannot judge from its structure alone, is fetched whole.
    /// </summary>
    public Task<FetchResult> FetchAsync(string url, FetchLimits limits, string targetDirectory, bool partialAllowed, CancellationToken cancellationToken) =>
        FetchAsync(url, limits, targetDirectory, partialAllowed, verdictFromHead: null, cancellationToken);

    /// <summary>
    /// As <see cref="FetchAsync(string, FetchLimits, string, bool, CancellationToken)"/>; with <paramref name="partialAllowed"/>
    /// and <paramref name="verdictFromHead"/>, a body whose length the server announces stops being read as soon as its
    /// first bytes decide the verdict (<see cref="FetchResult.DecidedByHead"/>). When byte ranges are served that is
    /// done only for formats the quick check reads no further than what they are (a PDF behind a video URL), so the
    /// report stays the one of the downloaded file; without ranges, for any format <paramref name="verdictFromHead"/> condemns.
    /// </summary>
    public async Task<FetchResult> FetchAsync(
        string url, FetchLimits limits, string targetDirectory, bool partialAllowed, VerdictFromHead? verdictFromHead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentException.ThrowIfNullOrEmpty(targetDirectory);
        if (!Directory.Exists(targetDirectory))
            throw new DirectoryNotFoundException($"The download directory '{targetDirectory}' does not exist.");

        var trace = new Trace(Redact(url)) { VerdictFromHead = partialAllowed ? verdictFromHead : null };
        if (!TryParse(url, out var uri, out var why)) return trace.Fail(UrlFindings.Invalid(why));

        // The host's slot first: fetches waiting for a busy host hold none of the process-wide slots.
        using var hostSlot = await _hostSlots.EnterAsync(uri.IdnHost, cancellationToken);
        await _slots.WaitAsync(cancellationToken);
        try
        {
            using var overall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            overall.CancelAfter(_options.Timeout);
            try
            {
                return await FetchCoreAsync(uri, limits, targetDirectory, trace, partialAllowed, overall.Token);
            }
            // Only network trouble becomes a finding; a local disk error (LocalDiskException) is ours, not the URL's.
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or SocketException
                                           or IOException and not LocalDiskException
                                       && !cancellationToken.IsCancellationRequested)
            {
                return trace.Fail(overall.IsCancellationRequested ? UrlFindings.TimedOut(_options.Timeout) : TransportFinding(ex));
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>
    /// One HEAD request to <paramref name="url"/> (same safe connections, no redirects followed), for profiles whose
    /// vendor requires HEAD support. Failures are in the answer, never exceptions (except cancellation).
    /// </summary>
    public async Task<Rules.HeadAnswer> HeadAsync(string url, CancellationToken cancellationToken)
    {
        if (!TryParse(url, out var uri, out var why)) return new Rules.HeadAnswer(null, null, null, "the URL is invalid: " + why);

        using var hostSlot = await _hostSlots.EnterAsync(uri.IdnHost, cancellationToken);
        await _slots.WaitAsync(cancellationToken);
        try
        {
            using var overall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            overall.CancelAfter(_options.Timeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Head, uri);
                request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
                using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, overall.Token);
                return new Rules.HeadAnswer((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(),
                    response.Content.Headers.ContentLength, null);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException or SocketException or IOException
                                       && !cancellationToken.IsCancellationRequested)
            {
                var finding = overall.IsCancellationRequested ? UrlFindings.TimedOut(_options.Timeout) : TransportFinding(ex);
                return new Rules.HeadAnswer(null, null, null, finding.Message);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose()
    {
        _client.Dispose();
        _slots.Dispose();
    }

    private async Task<FetchResult> FetchCoreAsync(Uri uri, FetchLimits limits, string targetDirectory, Trace trace, bool partial, CancellationToken ct)
    {
        if (partial) trace.AskedForRange = true;
        var sent = await SendAsync(uri, partial ? HeadRange : null, trace, ct);
        if (sent.Failure is { } failure) return trace.Fail(failure);
        using var response = sent.Response!;
        var status = (int)response.StatusCode;
        // 416 to "the first bytes": an empty body, or a server whose ranges are broken. A plain GET settles it.
        if (partial && status == 416)
        {
            response.Dispose();
            return await FetchCoreAsync(sent.Uri, limits, targetDirectory, trace, partial: false, ct);
        }
        if (status is < 200 or >= 300) return trace.Fail(UrlFindings.HttpError(status));

        if (MimeFormats.IsHtml(trace.ContentType))
            return trace.Fail(UrlFindings.ReturnsHtml($"Content-Type: {MimeFormats.MediaType(trace.ContentType)}"));
        if (partial && status == 206)
            return await RangedAsync(response, sent.Uri, limits, targetDirectory, trace, ct);
        // 206 to a request for the whole body: a slice of the file, which must never be judged as the file.
        if (status == 206) return trace.Fail(UrlFindings.HttpError(status));

        return await DownloadAsync(response, limits, targetDirectory, trace, ct);
    }

    /// <summary>
    /// Sends a GET (shaped by <paramref name="decorate"/>) and follows redirects by hand, each hop re-checked; every
    /// connection is vetted by <see cref="SafeConnector"/>. The first request of a fetch fills <paramref name="trace"/>.
    /// Returns the final non-redirect response for 2xx, 412 and 416; any other status is a finding.
    /// </summary>
    private async Task<Sent> SendAsync(Uri uri, Action<HttpRequestMessage>? decorate, Trace trace, CancellationToken ct, bool followUp = false)
    {
        var current = uri;
        var redirects = 0;
        while (true)
        {
            if (!followUp) trace.FinalUrl = Redact(current);
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
            request.Headers.TryAddWithoutValidation("Accept", "*/*");
            decorate?.Invoke(request);

            var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var keep = false;
            try
            {
                var status = (int)response.StatusCode;
                if (!followUp)
                {
                    trace.HttpStatus = status;
                    trace.ContentType = response.Content.Headers.ContentType?.ToString();
                    trace.ContentLength = response.Content.Headers.ContentLength;
                }

                if (status is 301 or 302 or 303 or 307 or 308)
                {
                    if (response.Headers.Location is not { } location) return new(UrlFindings.RedirectWithoutLocation(status));
                    // A Location the header parser accepts as relative may still not combine into a URL
                    // ("//host:99999/", "//[zz]/"): that is the server's error, reported, never an exception.
                    Uri? next = location;
                    if (!location.IsAbsoluteUri && !Uri.TryCreate(current, location, out next))
                        return new(UrlFindings.Invalid($"the server redirects to \"{location.OriginalString}\", which is not a valid URL"));
                    if (LoginPages.Looks(next)) return new(UrlFindings.LoginRedirect(next));
                    if (!TryValidate(next, out var why)) return new(UrlFindings.Invalid("the server redirects to a URL where " + why));
                    var hops = followUp ? redirects : trace.Redirects;
                    if (hops >= _options.MaxRedirects) return new(UrlFindings.TooManyRedirects(_options.MaxRedirects));
                    if (followUp) redirects++;
                    else trace.Redirects++;
                    current = next;
                    continue;
                }

                if (status is 401 or 403) return new(UrlFindings.NotPublic(status));
                if (status is 404 or 410) return new(UrlFindings.NotFound(status));
                if (status is not (412 or 416) && status is < 200 or >= 300) return new(UrlFindings.HttpError(status));
                keep = true;
                return new(response, current);
            }
            finally
            {
                if (!keep) response.Dispose();
            }
        }
    }

    private readonly record struct Sent(HttpResponseMessage? Response, Uri Uri, Finding? Failure)
    {
        public Sent(Finding failure) : this(null, null!, failure) { }

        public Sent(HttpResponseMessage response, Uri uri) : this(response, uri, null) { }
    }

    /// <summary>
    /// Reads <paramref name="response"/> as the whole body: refused at once when its Content-Length is over the limit
    /// (or over what this check may still read), stopped past the limit, at an HTML head, or where its head decides.
    /// </summary>
    private static async Task<FetchResult> DownloadAsync(
        HttpResponseMessage response, FetchLimits limits, string targetDirectory, Trace trace, CancellationToken ct)
    {
        var declared = response.Content.Headers.ContentLength;
        if (declared > limits.MaxBytes) return trace.Fail(UrlFindings.TooLargeDeclared(declared.Value, limits));
        if (declared > trace.Unread(limits)) return trace.Fail(UrlFindings.ReadLimitSpent(limits, trace.Spent));
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        return await IngestAsync(body, limits, targetDirectory, trace, declared, fromNetwork: true, ct);
    }

    /// <param name="networkLength">The body's Content-Length, when it announced one.</param>
    /// <param name="fromNetwork">False for bytes already read (and counted) by an earlier request.</param>
    private static async Task<FetchResult> IngestAsync(
        Stream body, FetchLimits limits, string targetDirectory, Trace trace, long? networkLength, bool fromNetwork, CancellationToken ct)
    {
        var path = NewPath(targetDirectory);
        // One check never reads more than the size limit in all, whatever earlier answers made it read again.
        var cap = fromNetwork ? Math.Min(limits.MaxBytes, trace.Unread(limits)) : limits.MaxBytes;
        var ingestLimits = new IngestLimits(cap, StopPastCap: true) { HeadBytes = HtmlPrefixLength, RejectHead = head => HtmlPrefix.Looks(head.Span) };
        // A verdict from the head needs the body's size for the report: only a body whose length is announced.
        if (fromNetwork && trace.VerdictFromHead is { } decides && networkLength is { } length)
        {
            ingestLimits = ingestLimits with
            {
                DecidedByHead = sniff => decides(sniff, trace.Source),
                StopWhenDecided = true,
                KnownLength = length,
            };
        }
        var ingested = await Ingestor.ReceiveAsync(body, path, ingestLimits, ct);
        if (fromNetwork)
        {
            trace.Spent += ingested.Bytes;
            if (trace.Ranges is null && ingested.Stop == IngestStop.HeadDecided)
                trace.Ranges = new RangeTally { Requests = trace.AskedForRange ? 1 : 0 };
            if (trace.Ranges is { } tally) tally.Complete = ingested.Stop == IngestStop.None;
        }
        switch (ingested.Stop)
        {
            case IngestStop.PastCap:
                return trace.Fail(cap < limits.MaxBytes ? UrlFindings.ReadLimitSpent(limits, trace.Spent) : UrlFindings.TooLargeStreamed(limits));
            case IngestStop.HeadRejected:
                return trace.Fail(UrlFindings.ReturnsHtml("the body is an HTML page"));
            case IngestStop.HeadDecided:
                return trace.DecidedByHead(ingested.Sniff!);
        }
        return Whole(ingested, trace);
    }

    /// <summary>A body that is all on disk: its hash and sniff are final (an HTML page is refused here).</summary>
    private static FetchResult Whole(IngestedFile ingested, Trace trace)
    {
        if (ingested.Sniff!.Format == KnownFormats.Html)
        {
            TryDelete(ingested.FilePath);
            return trace.Fail(UrlFindings.ReturnsHtml("the body sniffs as an HTML page"));
        }
        return new FetchResult(ingested.FilePath, ingested.Bytes, ingested.Sha256, trace.Source, []) { Sniff = ingested.Sniff, Ingested = ingested };
    }

    // The name is ours, never the URL's: nothing a server says can choose or traverse a path.
    private static string NewPath(string targetDirectory) =>
        Path.Combine(targetDirectory, "url-" + Guid.NewGuid().ToString("N") + ".download");

    private Finding TransportFinding(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case AddressBlockedException blocked:
                    return UrlFindings.Blocked(blocked.Host, blocked.Address, blocked.AddressClass);
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain }:
                    return UrlFindings.Unreachable("the host name does not resolve (DNS)");
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return UrlFindings.Unreachable("the server refused the connection");
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                    return UrlFindings.Unreachable("the connection timed out");
                case SocketException { SocketErrorCode: SocketError.NetworkUnreachable or SocketError.HostUnreachable }:
                    return UrlFindings.Unreachable("no route to the server");
                case TimeoutException:
                    return UrlFindings.Unreachable($"could not connect within {UrlFindings.Seconds(_options.ConnectTimeout)}");
                case AuthenticationException:
                    return UrlFindings.Unreachable("the TLS handshake failed (certificate not trusted or protocol mismatch)");
            }
        }

        if (ex is OperationCanceledException)
            return UrlFindings.Unreachable($"could not connect within {UrlFindings.Seconds(_options.ConnectTimeout)}");
        if (ex is HttpRequestException { HttpRequestError: var error })
        {
            return error switch
            {
                HttpRequestError.NameResolutionError => UrlFindings.Unreachable("the host name does not resolve (DNS)"),
                HttpRequestError.ResponseEnded => UrlFindings.Unreachable("the server closed the connection before answering"),
                HttpRequestError.InvalidResponse or HttpRequestError.HttpProtocolError =>
                    UrlFindings.Unreachable("the server's answer is not valid HTTP"),
                HttpRequestError.SecureConnectionError => UrlFindings.Unreachable("the TLS connection failed"),
                _ => UrlFindings.Unreachable("the connection failed"),
            };
        }
        return UrlFindings.Unreachable("the connection broke before the whole file arrived");
    }

    private static bool TryParse(string? url, out Uri uri, out string why)
    {
        uri = null!;
        if (string.IsNullOrWhiteSpace(url)) { why = "it is empty"; return false; }
        if (url.Length > MaxUrlLength) { why = $"it is longer than {MaxUrlLength} characters"; return false; }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed)
            // On Unix "/a/b" parses as file:///a/b; a path is not a URL.
            || (parsed.IsFile && !url.TrimStart().StartsWith("file:", StringComparison.OrdinalIgnoreCase)))
        {
            why = "it is not an absolute URL";
            return false;
        }
        uri = parsed;
        return TryValidate(parsed, out why);
    }

    private static bool TryValidate(Uri uri, out string why)
    {
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            why = $"the scheme '{uri.Scheme}' is not http or https";
        else if (uri.UserInfo.Length > 0)
            why = "it carries a user name or password (credentials must not travel inside URLs)";
        else if (string.IsNullOrEmpty(uri.Host))
            why = "it has no host";
        else
        {
            why = "";
            return true;
        }
        return false;
    }

    /// <summary>The URL as reports may show it: without any user name or password.</summary>
    private static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0 ? Redact(uri) : url;

    private static string Redact(Uri uri)
    {
        if (uri.UserInfo.Length == 0) return uri.AbsoluteUri;
        var builder = new UriBuilder(uri) { UserName = "", Password = "" };
        return builder.Uri.AbsoluteUri;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>What the server said so far, for the report's <c>source</c> and every failure.</summary>
    private sealed class Trace(string url)
    {
        public string? FinalUrl { get; set; }
        public int? HttpStatus { get; set; }
        public string? ContentType { get; set; }
        public long? ContentLength { get; set; }
        public int Redirects { get; set; }

        /// <summary>Set once a range was served (206): what the report's source then says about the reading.</summary>
        public RangeTally? Ranges { get; set; }

        /// <summary>Whether the first request asked for a byte range (a quick check).</summary>
        public bool AskedForRange { get; set; }

        /// <summary>Body bytes read from the network so far, over every request of this check.</summary>
        public long Spent { get; set; }

        /// <summary>What decides a verdict from a body's first bytes (quick checks only).</summary>
        public VerdictFromHead? VerdictFromHead { get; init; }

        /// <summary>Body bytes this check may still read: the size limit is for all its requests together.</summary>
        public long Unread(FetchLimits limits) => Math.Max(0, limits.MaxBytes - Spent);

        /// <summary>Reading stopped at a head that decides the verdict: no file, what the body is, and what was read.</summary>
        public FetchResult DecidedByHead(SniffResult sniff)
        {
            Ranges!.Complete = false;
            return new FetchResult(null, 0, null, Source, []) { Sniff = sniff, Complete = false, DecidedByHead = true };
        }

        public UrlSource Source => new(url, FinalUrl, HttpStatus, ContentType, ContentLength, Redirects)
        {
            BytesFetched = Ranges is null ? null : Spent,
            RangeRequests = Ranges?.Requests,
            Complete = Ranges?.Complete,
        };

        public FetchResult Fail(Finding finding) => new(null, 0, null, Source, [finding]);
    }
}
