using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Preflight.TestSupport;

/// <summary>
/// A real HTTP/1.1 server (Kestrel) on 127.0.0.1 — and on [::1] when the machine has IPv6 loopback — on free
/// ports, for tests that must cross a real socket. It counts every accepted TCP connection (before any HTTP is
/// read, so a client that connects and hangs up is counted too) and records every request.
/// </summary>
/// <example>
/// <code>
/// await using var server = await LoopbackHttpServer.StartAsync(routes =>
/// {
///     routes.MapGet("/clip.mp4", LoopbackResponses.Bytes(mp4, "video/mp4"));
///     routes.MapGet("/old", LoopbackResponses.Redirect("/clip.mp4"));
/// });
/// var url = server.Url("/clip.mp4"); // http://127.0.0.1:PORT/clip.mp4
/// </code>
/// </example>
public sealed class LoopbackHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _connections;
    private long _bytesSent;

    private LoopbackHttpServer(WebApplication app) => _app = app;

    /// <summary>http://127.0.0.1:<see cref="Port"/>/</summary>
    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");

    /// <summary>The IPv4 loopback port.</summary>
    public int Port { get; private set; }

    /// <summary>The [::1] port, or null when the machine has no IPv6 loopback.</summary>
    public int? Ipv6Port { get; private set; }

    /// <summary>TCP connections accepted so far, on every listener.</summary>
    public int ConnectionCount => Volatile.Read(ref _connections);

    /// <summary>
    /// Bytes (headers and bodies, all connections) the server handed to its sockets. Kestrel ignores writes after
    /// a client has gone, so this — not what handlers tried to write — shows how much a client was really sent.
    /// </summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>Fires when the server is being disposed, so handlers that wait can end.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>An absolute URL on the IPv4 listener: <c>Url("/a.mp4")</c> → <c>http://127.0.0.1:P/a.mp4</c>.</summary>
    public Uri Url(string pathAndQuery) => new(BaseUri, pathAndQuery);

    /// <summary>An absolute URL on the [::1] listener, or null when the machine has no IPv6 loopback.</summary>
    public Uri? Ipv6Url(string pathAndQuery) => Ipv6Port is { } port ? new Uri(new Uri($"http://[::1]:{port}/"), pathAndQuery) : null;

    /// <summary>Starts a server whose routes <paramref name="routes"/> maps (MapGet, Map, … with lambdas or <see cref="LoopbackResponses"/>).</summary>
    public static async Task<LoopbackHttpServer> StartAsync(Action<IEndpointRouteBuilder> routes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRoutingCore();
        // Handlers that wait for the client are released by Stopping; don't let shutdown linger beyond that.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));

        LoopbackHttpServer? server = null;
        var listenIpv6 = HasIpv6Loopback();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Tests stall responses on purpose; Kestrel must not cut slow readers off on its own.
            kestrel.Limits.MinResponseDataRate = null;
            kestrel.Limits.MinRequestBodyDataRate = null;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Use(next => connection => server!.AcceptAsync(connection, next)));
            if (listenIpv6)
                kestrel.Listen(IPAddress.IPv6Loopback, 0, listen => listen.Use(next => connection => server!.AcceptAsync(connection, next)));
        });

        var app = builder.Build();
        server = new LoopbackHttpServer(app);
        app.Use(server.RecordAsync);
        routes(app);

        await app.StartAsync(cancellationToken);
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        foreach (var address in addresses.Select(a => new Uri(a)))
        {
            if (address.HostNameType == UriHostNameType.IPv6) server.Ipv6Port = address.Port;
            else server.Port = address.Port;
        }
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task AcceptAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        Interlocked.Increment(ref _connections);
        // Counted below HTTP: Kestrel silently drops response writes once a client has gone, so only the
        // transport knows how much was really handed to the socket.
        var transport = connection.Transport;
        connection.Transport = new CountingDuplexPipe(transport, this);
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }
    }

    private async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        using var cancelled = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        var record = new RecordedRequest(
            context.Request.Method,
            context.Request.Path + context.Request.QueryString,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            cancelled.Token);
        _requests.Enqueue(record);
        context.Features.Set(record);
        var failed = false;
        // Kestrel raises RequestAborted asynchronously; the registration records it whenever it lands
        // while the handler still runs.
        using var aborted = context.RequestAborted.Register(record.MarkAborted);
        try
        {
            await next(context);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away (a reset surfaces as IOException before RequestAborted fires) or the
            // server is stopping: that is what such tests provoke.
            failed = true;
        }
        finally
        {
            record.Finish(failed || context.RequestAborted.IsCancellationRequested);
        }
    }

    private sealed class CountingDuplexPipe(IDuplexPipe inner, LoopbackHttpServer server) : IDuplexPipe
    {
        public PipeReader Input => inner.Input;

        public PipeWriter Output { get; } = new CountingPipeWriter(inner.Output, server);
    }

    private sealed class CountingPipeWriter(PipeWriter inner, LoopbackHttpServer server) : PipeWriter
    {
        public override void Advance(int bytes)
        {
            inner.Advance(bytes);
            Interlocked.Add(ref server._bytesSent, bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);
        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);
        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);
        public override void CancelPendingFlush() => inner.CancelPendingFlush();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);
        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;
        public override long UnflushedBytes => inner.UnflushedBytes;
    }

    private static bool HasIpv6Loopback()
    {
        if (!Socket.OSSupportsIPv6) return false;
        try
        {
            using var probe = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>One request a <see cref="LoopbackHttpServer"/> received.</summary>
public sealed class RecordedRequest
{
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _bodyBytesSent;

    internal RecordedRequest(string method, string pathAndQuery, IReadOnlyDictionary<string, string> headers, CancellationToken cancelled)
    {
        Method = method;
        PathAndQuery = pathAndQuery;
        Headers = headers;
        Cancelled = cancelled;
    }

    public string Method { get; }

    public string PathAndQuery { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>
    /// Response body bytes <see cref="LoopbackResponses"/> handlers wrote while the client was still there (a
    /// client that stops reading stalls this). For what really reached the socket see <see cref="LoopbackHttpServer.BytesSent"/>.
    /// </summary>
    public long BodyBytesSent => Interlocked.Read(ref _bodyBytesSent);

    /// <summary>
    /// True once the client disconnected (or the server stopped) while the handler ran: the request was aborted
    /// or a write failed.
    /// </summary>
    public bool Aborted => _aborted.Task.IsCompleted;

    /// <summary>
    /// Completes when the request is seen aborted while its handler runs. Kestrel reports a vanished client a
    /// moment after the fact (and ignores writes after it), so tests await this rather than read
    /// <see cref="Aborted"/> right after the client returns. Handlers that should see the abort must keep
    /// running until then, as <see cref="LoopbackResponses.Endless"/> and <see cref="LoopbackResponses.DeclareThenStall"/> do.
    /// </summary>
    public Task WhenAborted => _aborted.Task;

    /// <summary>Completes when the handler has returned (normally or because the client went away).</summary>
    public Task Completed => _completed.Task;

    /// <summary>Fires when the client disconnects or the server stops: handlers that wait should honour it.</summary>
    public CancellationToken Cancelled { get; }

    /// <summary>The record of the request <paramref name="context"/> is serving.</summary>
    public static RecordedRequest Of(HttpContext context) =>
        context.Features.Get<RecordedRequest>() ?? throw new InvalidOperationException("Not a LoopbackHttpServer request.");

    internal void AddSent(long count) => Interlocked.Add(ref _bodyBytesSent, count);

    internal void MarkAborted() => _aborted.TrySetResult();

    internal void Finish(bool aborted)
    {
        if (aborted) _aborted.TrySetResult();
        _completed.TrySetResult();
    }
}

/// <summary>Ready-made handlers for <see cref="LoopbackHttpServer"/> routes.</summary>
public static class LoopbackResponses
{
    /// <summary>
    /// Answers <paramref name="body"/>. With <paramref name="chunked"/> there is no Content-Length (chunked transfer
    /// encoding); <paramref name="chunkDelay"/> pauses between chunks of <paramref name="chunkSize"/> bytes.
    /// </summary>
    public static RequestDelegate Bytes(
        byte[] body, string? contentType = "application/octet-stream", bool chunked = false, int chunkSize = 16 * 1024,
        TimeSpan? chunkDelay = null) => async context =>
    {
        var cancelled = RecordedRequest.Of(context).Cancelled;
        if (contentType is not null) context.Response.ContentType = contentType;
        if (!chunked) context.Response.ContentLength = body.Length;
        for (var offset = 0; offset < body.Length; offset += chunkSize)
        {
            if (offset > 0 && chunkDelay is { } delay) await Task.Delay(delay, cancelled);
            if (!await SendAsync(context, body.AsMemory(offset, Math.Min(chunkSize, body.Length - offset)))) return;
        }
    };

    /// <summary>Answers a text body with <paramref name="contentType"/>.</summary>
    public static RequestDelegate Text(string text, string contentType = "text/plain; charset=utf-8", int status = 200) =>
        async context =>
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = contentType;
            await SendAsync(context, System.Text.Encoding.UTF8.GetBytes(text));
        };

    /// <summary>Answers a status code with a short plain-text body.</summary>
    public static RequestDelegate Status(int status) => Text($"status {status}", status: status);

    /// <summary>Answers a redirect to <paramref name="location"/> (relative or absolute).</summary>
    public static RequestDelegate Redirect(string location, int status = StatusCodes.Status302Found) => context =>
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    };

    /// <summary>
    /// Sends the headers (with <paramref name="declaredLength"/> as Content-Length when given, else chunked), then
    /// <paramref name="firstBytes"/> and filler bytes until <paramref name="maxBytes"/> are sent or the client goes
    /// away, then waits for the client to leave: the server for "stops reading at the limit" tests.
    /// </summary>
    public static RequestDelegate Endless(
        long maxBytes, long? declaredLength = null, string? contentType = "application/octet-stream", byte[]? firstBytes = null) =>
        async context =>
        {
            var cancelled = RecordedRequest.Of(context).Cancelled;
            if (contentType is not null) context.Response.ContentType = contentType;
            if (declaredLength is { } length) context.Response.ContentLength = length;
            long sent = 0;
            if (firstBytes is { Length: > 0 })
            {
                if (!await SendAsync(context, firstBytes)) return;
                sent = firstBytes.Length;
            }
            var chunk = new byte[16 * 1024];
            Array.Fill(chunk, (byte)0x5A);
            for (; sent < maxBytes; sent += chunk.Length)
            {
                if (!await SendAsync(context, chunk.AsMemory(0, (int)Math.Min(chunk.Length, maxBytes - sent)))) return;
            }
            await Task.Delay(Timeout.Infinite, cancelled);
        };

    /// <summary>
    /// Sends the headers (Content-Length <paramref name="declaredLength"/>) and <paramref name="sendFirst"/> body
    /// bytes, then waits until the client disconnects: a client that reads the body would hang.
    /// </summary>
    public static RequestDelegate DeclareThenStall(long declaredLength, int sendFirst = 0, string contentType = "application/octet-stream") =>
        async context =>
        {
            context.Response.ContentType = contentType;
            context.Response.ContentLength = declaredLength;
            if (!await SendAsync(context, new byte[sendFirst])) return;
            await Task.Delay(Timeout.Infinite, RecordedRequest.Of(context).Cancelled);
        };

    /// <summary>Waits <paramref name="delay"/> (or until the client goes away) before running <paramref name="then"/>.</summary>
    public static RequestDelegate Delayed(TimeSpan delay, RequestDelegate then) => async context =>
    {
        await Task.Delay(delay, RecordedRequest.Of(context).Cancelled);
        await then(context);
    };

    /// <summary>
    /// Writes and flushes <paramref name="data"/>; false once the client has gone (the request is then marked
    /// aborted). Use it in custom handlers so <see cref="RecordedRequest.BodyBytesSent"/> counts their bytes too.
    /// </summary>
    public static async Task<bool> SendAsync(HttpContext context, ReadOnlyMemory<byte> data)
    {
        var record = RecordedRequest.Of(context);
        // The pipe's flush result says when the connection is gone; the Stream API would swallow that.
        var result = await context.Response.BodyWriter.WriteAsync(data, record.Cancelled);
        if (result.IsCompleted || result.IsCanceled)
        {
            record.MarkAborted();
            return false;
        }
        record.AddSent(data.Length);
        return true;
    }
}

/// <summary>How <see cref="LoopbackRanges.Serve"/> answers: a well-behaved range server by default, each switch a misbehaviour.</summary>
public sealed record RangeServing
{
    /// <summary>Answer "Range: bytes=a-b" with 206 and the slice; false = ignore ranges and send 200 with the whole body.</summary>
    public bool Ranges { get; init; } = true;

    /// <summary>Send a strong ETag (the body's hash) and honour If-Match/If-Range with it.</summary>
    public bool ETag { get; init; } = true;

    /// <summary>Send this Last-Modified (and honour If-Unmodified-Since/If-Range dates) when set.</summary>
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>Rewrites (from, to, total) before they go into Content-Range (the body still holds the real slice).</summary>
    public Func<(long From, long To, long Total), (long From, long To, long Total)>? ContentRangeLie { get; init; }

    /// <summary>Answer ranges after the first request with 200 and the whole body (a server that stops honouring ranges).</summary>
    public bool OnlyFirstRange { get; init; }

    /// <summary>Pause this long before answering each request after the first.</summary>
    public TimeSpan? StallLaterRequests { get; init; }

    /// <summary>Content-Type of every answer.</summary>
    public string ContentType { get; init; } = "application/octet-stream";
}

/// <summary>A file served with (or without) byte ranges, whose bytes a test may swap between requests.</summary>
public static class LoopbackRanges
{
    /// <summary>
    /// Serves what <paramref name="content"/> returns at the time of each request (so a test can change the file
    /// between requests). HEAD is answered from the same bytes unless the route maps HEAD to something else.
    /// </summary>
    public static RequestDelegate Serve(Func<byte[]> content, RangeServing? serving = null)
    {
        var options = serving ?? new RangeServing();
        var served = 0;
        return async context =>
        {
            var record = RecordedRequest.Of(context);
            var number = Interlocked.Increment(ref served);
            if (number > 1 && options.StallLaterRequests is { } stall) await Task.Delay(stall, record.Cancelled);

            var body = content();
            var etag = "\"" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(body))[..16] + "\"";
            var response = context.Response;
            var request = context.Request;
            response.ContentType = options.ContentType;
            if (options.ETag) response.Headers.ETag = etag;
            if (options.LastModified is { } modified) response.Headers.LastModified = modified.ToString("R");
            var ranges = options.Ranges && !(options.OnlyFirstRange && number > 1);
            if (ranges) response.Headers.AcceptRanges = "bytes";

            var ifMatch = request.Headers.IfMatch.ToString();
            if (ifMatch.Length > 0 && ifMatch != "*" && (!options.ETag || ifMatch != etag))
            {
                response.StatusCode = StatusCodes.Status412PreconditionFailed;
                return;
            }
            var ifUnmodified = request.Headers.IfUnmodifiedSince.ToString();
            if (ifUnmodified.Length > 0 && options.LastModified is { } lm && DateTimeOffset.TryParse(ifUnmodified, out var since)
                && lm > since.AddSeconds(1))
            {
                response.StatusCode = StatusCodes.Status412PreconditionFailed;
                return;
            }

            var range = request.Headers.Range.ToString();
            var ifRange = request.Headers.IfRange.ToString();
            var rangeStillValid = ifRange.Length == 0 || ifRange == etag
                || options.LastModified is { } last && ifRange == last.ToString("R");
            if (!ranges || range.Length == 0 || !rangeStillValid || !TryParseRange(range, body.Length, out var from, out var to))
            {
                if (ranges && range.Length > 0 && rangeStillValid && body.Length > 0)
                {
                    response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                    response.Headers.ContentRange = $"bytes */{body.Length}";
                    return;
                }
                response.ContentLength = body.Length;
                if (HttpMethods.IsHead(request.Method)) return;
                await LoopbackResponses.SendAsync(context, body);
                return;
            }

            var said = options.ContentRangeLie?.Invoke((from, to, body.Length)) ?? (from, to, body.Length);
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {said.From}-{said.To}/{said.Total}";
            response.ContentLength = to - from + 1;
            if (HttpMethods.IsHead(request.Method)) return;
            for (var at = from; at <= to; at += 64 * 1024)
            {
                if (!await LoopbackResponses.SendAsync(context, body.AsMemory((int)at, (int)Math.Min(64 * 1024, to - at + 1)))) return;
            }
        };
    }

    private static bool TryParseRange(string header, long length, out long from, out long to)
    {
        from = to = 0;
        if (!header.StartsWith("bytes=", StringComparison.Ordinal) || header.Contains(',', StringComparison.Ordinal)) return false;
        var parts = header["bytes=".Length..].Split('-');
        if (parts.Length != 2) return false;
        if (parts[0].Length == 0)
        {
            if (!long.TryParse(parts[1], out var suffix) || suffix <= 0) return false;
            from = Math.Max(0, length - suffix);
            to = length - 1;
            return length > 0;
        }
        if (!long.TryParse(parts[0], out from) || from >= length) return false;
        to = parts[1].Length == 0 || !long.TryParse(parts[1], out var end) ? length - 1 : Math.Min(end, length - 1);
        return to >= from;
    }
}
