using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Preflight.TestSupport;

namespace Preflight.Api.Tests;

/// <summary>What only a real server shows: Kestrel's body limits, closing the connection, true client aborts.</summary>
public sealed class KestrelLimitTests
{
    private const int SmallLimit = 64 * 1024;

    [Theory]
    [InlineData("/v1/preflight/files")]
    [InlineData("/v1/fix/files")]
    public async Task PostFiles_DeclaredLengthOverLimit_Answers413WithoutReadingTheBody(string path)
    {
        await using var app = await KestrelApp.StartAsync(("Preflight:Upload:MaxBodyBytes", SmallLimit.ToString()));
        using var socket = await app.ConnectAsync();

        // Only the headers are sent: the answer must come without the server waiting for 10 MB.
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n" +
            "Content-Length: 10000000\r\n\r\n"));
        var response = await KestrelApp.ReadAllAsync(socket);

        Assert.StartsWith("HTTP/1.1 413", response, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", response, StringComparison.Ordinal);
        Assert.Contains($"limit of {SmallLimit} bytes", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostFiles_ChunkedBodyOverLimit_Answers413AndStopsReading()
    {
        await using var app = await KestrelApp.StartAsync(("Preflight:Upload:MaxBodyBytes", SmallLimit.ToString()));
        using var socket = await app.ConnectAsync();
        var responseTask = KestrelApp.ReadAllAsync(socket);

        const long total = 64L * 1024 * 1024;
        long sent = 0;
        try
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes(
                "POST /v1/preflight/files HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n" +
                "Transfer-Encoding: chunked\r\n\r\n"));
            var part = Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.mp4\"\r\n\r\n");
            await SendChunkAsync(socket, part);
            var chunk = new byte[32 * 1024];
            while (sent < total && !responseTask.IsCompleted)
            {
                await SendChunkAsync(socket, chunk);
                sent += chunk.Length;
            }
        }
        catch (SocketException)
        {
            // The server closed the connection: exactly what should happen.
        }
        var response = await responseTask;

        Assert.StartsWith("HTTP/1.1 413", response, StringComparison.Ordinal);
        Assert.True(sent < total, $"the server let the client send all {total} bytes");
        Assert.Empty(app.FilesLeftInUploadFolder());
    }

    [Fact]
    public async Task PostFiles_BodyOverKestrelDefaultLimit_IsAcceptedUpToTheKindLimit()
    {
        await using var app = await KestrelApp.StartAsync();
        using var client = new HttpClient { BaseAddress = app.Address };
        // 35 MB: over Kestrel's 30 MB default, under the 100 MB video limit. Zeros are a bad file, not a bad request.
        var content = TestMedia.Multipart(("zeros.mp4", new byte[35_000_000]));

        using var response = await client.PostAsync("/v1/preflight/files", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(35_000_000, (long)report!["files"]![0]!["sizeBytes"]!);
        Assert.Equal("fail", (string?)report["files"]![0]!["verdict"]);
    }

    [Fact]
    public async Task PostFiles_ClientAbortsMidUpload_TempFolderEndsEmpty()
    {
        await using var app = await KestrelApp.StartAsync();
        var socket = await app.ConnectAsync();
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            "POST /v1/preflight/files HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=b\r\n" +
            "Content-Length: 50000000\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.mp4\"\r\n\r\n"));
        await socket.SendAsync(new byte[256 * 1024]);

        var started = await Polling.Eventually(() => app.FilesLeftInUploadFolder().Any(File.Exists));
        socket.LingerState = new LingerOption(true, 0); // close with a reset, like a killed client
        socket.Dispose();

        Assert.True(started, "the server never started writing the upload, so the test proves nothing");
        Assert.True(await Polling.Eventually(() => app.FilesLeftInUploadFolder().Count == 0),
            "temp files left: " + string.Join(", ", app.FilesLeftInUploadFolder()));
    }

    private static async Task SendChunkAsync(Socket socket, byte[] data)
    {
        await socket.SendAsync(Encoding.ASCII.GetBytes(data.Length.ToString("x") + "\r\n"));
        await socket.SendAsync(data);
        await socket.SendAsync("\r\n"u8.ToArray());
    }
}
