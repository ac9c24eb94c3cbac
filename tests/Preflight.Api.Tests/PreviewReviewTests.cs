using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Preflight.TestSupport;

namespace Preflight.Api.Tests;

/// <summary>Review of <c>?previews=true</c> on <c>POST /v1/preflight/urls</c>; only loopback is connected to.</summary>
public sealed class PreviewReviewTests : IDisposable
{
    private readonly PreflightApiFactory _factory = new(("Preflight:Fetch:AllowPrivateNetworks", "true"));

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task PostUrls_WithPreviews_ServerWithRanges_StillGetsItsPreview()
    {
        // 16-bit mono 22.05 kHz, 15 s of silence: past the 256 KB a quick ranged check reads, so without a whole
        // body there is no hash, and without a hash no preview.
        var wav = new byte[44 + 661_500];
        var header = new BinaryWriter(new MemoryStream(wav));
        header.Write("RIFF"u8); header.Write(wav.Length - 8); header.Write("WAVEfmt "u8); header.Write(16);
        header.Write((short)1); header.Write((short)1); header.Write(22050); header.Write(44100); header.Write((short)2); header.Write((short)16);
        header.Write("data"u8); header.Write(661_500);
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/long.wav", LoopbackRanges.Serve(() => wav, new RangeServing { ContentType = "audio/wav" })));
        var client = _factory.CreateClient();

        using var response = await client.PostAsJsonAsync("/v1/preflight/urls?previews=true",
            new { assets = new[] { new { url = server.Url("/long.wav").ToString() } } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var file = (await response.Content.ReadFromJsonAsync<JsonObject>())!["files"]![0]!;
        Assert.Equal("pass", (string?)file["verdict"]);
        var preview = file["preview"];
        Assert.NotNull(preview);
        Assert.Equal("waveform", (string?)preview["kind"]);
        using var served = await client.GetAsync(new Uri((string)preview["url"]!).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", served.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task PostFiles_DeepCheckFindsTheFileCorrupt_NoPreviewEvenWhenAQuickCheckStoredOne()
    {
        // Passes the quick check (a frame is made and kept by its hash); --deep decodes it and finds it corrupt.
        var mp4 = File.ReadAllBytes(RepoPaths.TestFile("corrupt", "mp4-mid-data-damaged-deep-only.mp4"));
        var client = _factory.CreateClient();

        using var quick = await client.PostAsync("/v1/preflight/files?previews=true", TestMedia.Multipart(("clip.mp4", mp4)));
        using var deep = await client.PostAsync("/v1/preflight/files?previews=true&deep=true", TestMedia.Multipart(("clip.mp4", mp4)));

        var quickFile = (await quick.Content.ReadFromJsonAsync<JsonObject>())!["files"]![0]!;
        Assert.Equal("pass", (string?)quickFile["verdict"]);
        Assert.NotNull(quickFile["preview"]);
        var deepFile = (await deep.Content.ReadFromJsonAsync<JsonObject>())!["files"]![0]!;
        Assert.Equal("fail", (string?)deepFile["verdict"]);
        Assert.Contains("file.corrupt", deepFile["findings"]!.AsArray().Select(f => (string?)f!["code"]));
        // As when the deep check came first: a file with file.corrupt gets no preview, whoever asked before.
        Assert.Null(deepFile["preview"]);
    }
}
