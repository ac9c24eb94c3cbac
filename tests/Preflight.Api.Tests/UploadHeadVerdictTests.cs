using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Preflight.Core.Inspection;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Api.Tests;

/// <summary>
/// A part its first bytes already fail (HTML named .mp4) is never written past its head, over a real socket while
/// it streams in; the report is the engine's own, and the parts after it are checked as usual.
/// </summary>
public sealed class UploadHeadVerdictTests
{
    [Fact]
    public async Task PostFiles_HtmlNamedMp4ThenPng_HtmlFailsFromItsHeadWithoutReachingDiskAndPngPasses()
    {
        await using var app = await KestrelApp.StartAsync();
        var html = HtmlPage(8_000_000);
        var png = File.ReadAllBytes(RepoPaths.TestFile("valid", "image-160x90.png"));
        var watcher = new FolderWatcher(app.UploadFolder);
        using var client = new HttpClient { BaseAddress = app.Address, Timeout = TimeSpan.FromMinutes(2) };

        using var response = await client.PostAsync("/v1/preflight/files",
            new StreamedMultipart([("x.mp4", html), ("logo.png", png)], watcher.Sample));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var files = (await response.Content.ReadFromJsonAsync<JsonObject>())!["files"]!.AsArray();
        Assert.Equal(2, files.Count);

        // The engine's report of the whole page, as it was before the head decided: same codes, size and hash.
        using var temp = new TempDir();
        var engine = await new Inspector(new MediaTools(new MediaToolsOptions()))
            .InspectAsync(new InspectionRequest(temp.Write("x.mp4", html), "x.mp4"), new InspectionOptions(), CancellationToken.None);
        Assert.Equal(Verdict.Fail, engine.Verdict);
        Assert.Equal(JsonSerializer.Serialize(engine, PreflightJson.Compact), files[0]!.ToJsonString(PreflightJson.Compact));
        Assert.Equal("pass", (string?)files[1]!["verdict"]);
        Assert.Equal("logo.png", (string?)files[1]!["path"]);

        // While the 8 MB page streamed in, its file was seen (so the watch was real) and never held more than its head.
        Assert.True(watcher.SamplesWithAFile > 0, "the upload folder was never seen holding the part");
        Assert.InRange(watcher.LargestFile, 0, 64 * 1024);
        Assert.Empty(app.FilesLeftInUploadFolder());
    }

    private static byte[] HtmlPage(int length)
    {
        var page = new StringBuilder("<!DOCTYPE html><html><head><title>Video unavailable</title></head><body>\n");
        while (page.Length < length - 20) page.Append("<div class=\"notice\">This video is private.</div>\n");
        page.Append("</body></html>\n");
        return Encoding.ASCII.GetBytes(page.ToString());
    }

    /// <summary>Samples the largest file under the upload folder (a request's private folder lives there).</summary>
    private sealed class FolderWatcher(string folder)
    {
        public long LargestFile { get; private set; }

        public int SamplesWithAFile { get; private set; }

        public void Sample()
        {
            if (!Directory.Exists(folder)) return;
            var sizes = new List<long>();
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            {
                try { sizes.Add(new FileInfo(file).Length); }
                catch (IOException) { }
            }
            if (sizes.Count == 0) return;
            SamplesWithAFile++;
            LargestFile = Math.Max(LargestFile, sizes.Max());
        }
    }

    /// <summary>
    /// A multipart body written in 64 KB chunks (chunked transfer: no Content-Length), calling back after each flushed
    /// chunk of the first part, with a pause so the server keeps up with what was sent.
    /// </summary>
    private sealed class StreamedMultipart : HttpContent
    {
        private const string Boundary = "preflight-test-boundary";
        private readonly IReadOnlyList<(string Name, byte[] Bytes)> _parts;
        private readonly Action _between;

        public StreamedMultipart(IReadOnlyList<(string Name, byte[] Bytes)> parts, Action between)
        {
            _parts = parts;
            _between = between;
            Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/form-data; boundary={Boundary}");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var p = 0; p < _parts.Count; p++)
            {
                var (name, bytes) = _parts[p];
                await stream.WriteAsync(Encoding.ASCII.GetBytes(
                    $"--{Boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
                for (var at = 0; at < bytes.Length; at += 64 * 1024)
                {
                    await stream.WriteAsync(bytes.AsMemory(at, Math.Min(64 * 1024, bytes.Length - at)));
                    await stream.FlushAsync();
                    if (p != 0) continue;
                    await Task.Delay(2);
                    _between();
                }
                await stream.WriteAsync("\r\n"u8.ToArray());
            }
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"--{Boundary}--\r\n"));
            await Task.Delay(200);
            _between();
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
