using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Api.Tests;

/// <summary>
/// With the default configuration (AllowPrivateNetworks off), every spelling of this machine is refused before any
/// connection: the loopback listener must see none. Other private ranges are covered on the classifier and with a
/// stubbed resolver in the fetcher's own tests — this suite never addresses anything outside 127.0.0.0/8 and ::1.
/// </summary>
public sealed class SsrfTests : IAsyncLifetime
{
    private readonly PreflightApiFactory _factory = new();
    private LoopbackHttpServer _server = null!;

    public async Task InitializeAsync() =>
        _server = await LoopbackHttpServer.StartAsync(routes => routes.MapGet("/{**any}", LoopbackResponses.Bytes(TestMedia.Wav(), "audio/wav")));

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _factory.Dispose();
    }

    [Fact]
    public async Task PostUrls_EveryLoopbackSpelling_BlockedAndNeverConnected()
    {
        var port = _server.Port;
        string[] hosts =
        [
            "127.0.0.1", "127.1", "0x7f000001", "2130706433", "0177.0.0.1",
            "[::1]", "[::ffff:127.0.0.1]", "localhost", "0.0.0.0",
        ];
        var urls = hosts.Select(host => $"http://{host}:{(host == "[::1]" ? _server.Ipv6Port ?? port : port)}/voice.wav").ToList();

        using var response = await _factory.CreateClient().PostAsJsonAsync("/v1/preflight/urls",
            new { assets = urls.Select(url => new { url }).ToArray() });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var files = (await response.Content.ReadFromJsonAsync<JsonObject>())!["files"]!.AsArray();
        Assert.Equal(urls.Count, files.Count);
        for (var i = 0; i < urls.Count; i++)
        {
            Assert.Equal("fail", (string?)files[i]!["verdict"]);
            var codes = files[i]!["findings"]!.AsArray().Select(f => (string?)f!["code"]).ToList();
            Assert.True(codes.SequenceEqual([FindingCodes.UrlBlocked]), $"{urls[i]}: {string.Join(", ", codes)}");
        }
        Assert.Equal(0, _server.ConnectionCount);
    }
}
