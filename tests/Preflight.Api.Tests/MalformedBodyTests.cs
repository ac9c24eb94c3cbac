using System.Net.Sockets;
using System.Text;

namespace Preflight.Api.Tests;

/// <summary>
/// Every malformed request body is a problem answer (400, or 415 for the wrong media type) on every endpoint that
/// reads a body, never a 500: sent as raw bytes over Kestrel on loopback, since only a real server parses the
/// framing (chunk sizes, Content-Length) the way a hostile client can break it.
/// </summary>
public sealed class MalformedBodyTests(MalformedBodyTests.Server server) : IClassFixture<MalformedBodyTests.Server>
{
    /// <summary>One server for every case: each case opens its own connection.</summary>
    public sealed class Server : IAsyncLifetime
    {
        internal KestrelApp App { get; private set; } = null!;

        public async Task InitializeAsync() => App = await KestrelApp.StartAsync();

        public async Task DisposeAsync() => await App.DisposeAsync();
    }

    private KestrelApp App => server.App;

    private const string Boundary = "b0und4ry";
    private const string KestrelRejectsHeader = "Content-Length not a number";

    private static readonly Dictionary<string, (string ContentType, string Body)> Endpoints = new()
    {
        ["/v1/preflight/files"] = ($"multipart/form-data; boundary={Boundary}",
            $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF\r\n--{Boundary}--\r\n"),
        ["/v1/preflight/urls"] = ("application/json", "{\"assets\": [{\"url\": \"http://127.0.0.1:9/a.mp4\"}]}"),
        ["/v1/fix/files"] = ($"multipart/form-data; boundary={Boundary}",
            $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF\r\n--{Boundary}--\r\n"),
        ["/v1/fix/urls"] = ("application/json", "{\"assets\": [{\"url\": \"http://127.0.0.1:9/a.mp4\"}]}"),
        ["/v1/preflight/jobs"] = ("application/json",
            "{\"endpoint\": \"streaming.task\", \"request\": {\"text\": \"hello\", \"sessionMinutes\": 1}}"),
    };

    /// <summary>Each case: how the request is framed from an endpoint's well-formed body, and the answer expected.</summary>
    /// <remarks>A malformed header Kestrel rejects before the app runs gets Kestrel's own bare 400 (no problem body).</remarks>
    public static readonly (string Name, int Status, Func<string, string, string> Request, bool HalfClose)[] Cases =
    [
        ("chunk size overflows", 400, (type, body) => Head(type, "Transfer-Encoding: chunked") + "ffffffffffffffffff\r\n" + body + "\r\n0\r\n\r\n", false),
        ("chunk size not hex", 400, (type, body) => Head(type, "Transfer-Encoding: chunked") + "zz\r\n" + body + "\r\n0\r\n\r\n", false),
        ("chunk data longer than its size", 400, (type, body) => Head(type, "Transfer-Encoding: chunked") + "4\r\n" + body + "\r\n0\r\n\r\n", false),
        ("chunked body cut off", 400, (type, body) => Head(type, "Transfer-Encoding: chunked") + $"{body.Length + 100:x}\r\n" + body, true),
        ("no last chunk", 400, (type, body) => Head(type, "Transfer-Encoding: chunked") + $"{body.Length:x}\r\n" + body + "\r\n", true),
        ("Content-Length above the body", 400, (type, body) => Head(type, $"Content-Length: {body.Length + 50}") + body, true),
        ("Content-Length below the body", 400, (type, body) => Head(type, $"Content-Length: {body.Length / 2}") + body, false),
        (KestrelRejectsHeader, 400, (type, body) => Head(type, "Content-Length: 12abc") + body, false),
        ("invalid body", 400, (type, body) => Invalid(type, body), false),
        ("empty body", 400, (type, _) => Head(type, "Content-Length: 0"), false),
        ("empty chunked body", 400, (type, _) => Head(type, "Transfer-Encoding: chunked") + "0\r\n\r\n", false),
        ("wrong content type", 415, (_, body) => Head("text/plain", $"Content-Length: {body.Length}") + body, false),
    ];

    public static TheoryData<string, string> EndpointCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var endpoint in Endpoints.Keys)
            foreach (var c in Cases)
                data.Add(endpoint, c.Name);
        return data;
    }

    /// <summary>JSON without its quotes; multipart whose parts never meet the declared boundary.</summary>
    private static string Invalid(string contentType, string body)
    {
        var broken = body.Replace("\"", "", StringComparison.Ordinal).Replace("--" + Boundary, "--other", StringComparison.Ordinal);
        return Head(contentType, $"Content-Length: {broken.Length}") + broken;
    }

    private static string Head(string contentType, string framing) =>
        $"Content-Type: {contentType}\r\n{framing}\r\nConnection: close\r\n\r\n";

    [Theory]
    [MemberData(nameof(EndpointCases))]
    public async Task Post_MalformedBody_AnswersProblemNot500(string endpoint, string caseName)
    {
        var (_, status, request, halfClose) = Cases.Single(c => c.Name == caseName);
        var (contentType, body) = Endpoints[endpoint];
        using var socket = await App.ConnectAsync();

        await socket.SendAsync(Encoding.ASCII.GetBytes($"POST {endpoint} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + request(contentType, body)));
        if (halfClose) socket.Shutdown(SocketShutdown.Send);
        var response = await KestrelApp.ReadAllAsync(socket).WaitAsync(TimeSpan.FromSeconds(30));

        var statusLine = response.Split("\r\n")[0];
        if (halfClose)
        {
            // Kestrel takes a half-closed connection for a client that left: it may answer 400 or just close.
            // Either way no 500, and the server keeps serving.
            Assert.True(response.Length == 0 || statusLine.StartsWith("HTTP/1.1 400", StringComparison.Ordinal), $"{caseName} on {endpoint}: {response}");
            using var client = new HttpClient { BaseAddress = App.Address };
            Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
            return;
        }
        Assert.True(statusLine.StartsWith($"HTTP/1.1 {status}", StringComparison.Ordinal), $"{caseName} on {endpoint}: {statusLine}\n{response}");
        if (caseName != KestrelRejectsHeader)
            Assert.Contains("application/problem+json", response, StringComparison.Ordinal);
    }
}
