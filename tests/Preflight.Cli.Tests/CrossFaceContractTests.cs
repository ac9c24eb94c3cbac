using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

/// <summary>
/// The contract of issue 9: the same failing file gives the same report from every face — <c>check --format json</c>,
/// an HTTP upload, a URL check (loopback server) and the worker's <c>.preflight.json</c> in the rejected container.
/// Only what legitimately differs is set aside: the path (a file path, a URL, a blob name) and the URL's <c>source</c>.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrossFaceContractTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempDir _temp = new();

    [Theory]
    [InlineData("mislabeled", "png-named.jpg")]
    [InlineData("corrupt", "mp4-truncated-faststart-mid-mdat.mp4")]
    public async Task SameFailingFile_SameReportFromEveryFace(string folder, string name)
    {
        var bytes = await File.ReadAllBytesAsync(RepoPaths.TestFile(folder, name));
        var local = _temp.Write(name, bytes);
        var requests = AzuriteFixture.UniqueName("cf-req");
        var results = AzuriteFixture.UniqueName("cf-res");
        var rejected = AzuriteFixture.UniqueName("cf-rejected");
        await using var serve = await ServeApp.StartAsync(
            ("Preflight:Fetch:AllowPrivateNetworks", "true"),
            ("Preflight:Worker:Enabled", "true"),
            ("Preflight:Staging:ConnectionString", azurite.ConnectionString),
            ("Preflight:Staging:Container", AzuriteFixture.UniqueName("cf-staged")),
            ("Preflight:Worker:RequestQueue", requests),
            ("Preflight:Worker:ResultQueue", results),
            ("Preflight:Worker:RejectedContainer", rejected),
            ("Preflight:Worker:Concurrency", "1"),
            ("Preflight:Worker:PollInterval", "00:00:00.200"));
        using var http = new HttpClient { BaseAddress = serve.Address };
        await using var server = await LoopbackHttpServer.StartAsync(r => r.MapGet("/" + name, LoopbackResponses.Bytes(bytes, "application/octet-stream")));

        // check --format json
        var check = await CliRunner.RunAsync("check", local, "--format", "json");
        Assert.Equal(ExitCodes.Fail, check.ExitCode);
        var fromCheck = OnlyFile(JsonNode.Parse(check.Out)!);

        // HTTP upload
        using var upload = await http.PostAsync("/v1/preflight/files", ServeApp.Multipart((name, bytes)));
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        var fromUpload = OnlyFile((await upload.Content.ReadFromJsonAsync<JsonNode>())!);

        // URL check
        using var urls = await http.PostAsJsonAsync("/v1/preflight/urls", new { assets = new[] { new { url = server.Url("/" + name).ToString() } } });
        Assert.Equal(HttpStatusCode.OK, urls.StatusCode);
        var fromUrl = OnlyFile((await urls.Content.ReadFromJsonAsync<JsonNode>())!);
        Assert.NotNull(fromUrl["source"]);

        // The worker: a blob in an uploads container, a request message, the report beside the rejected copy.
        var uploads = new BlobContainerClient(azurite.ConnectionString, AzuriteFixture.UniqueName("cf-uploads"));
        await uploads.CreateIfNotExistsAsync();
        var blob = uploads.GetBlobClient(name);
        await blob.UploadAsync(new BinaryData(bytes));
        var queue = new QueueClient(azurite.ConnectionString, requests);
        await queue.CreateIfNotExistsAsync();
        await queue.SendMessageAsync(new JsonObject { ["blobUrl"] = blob.Uri.ToString() }.ToJsonString());
        var result = await ReceiveAsync(new QueueClient(azurite.ConnectionString, results));
        Assert.Equal("fail", (string?)result["verdict"]);
        var reportBlob = new BlobContainerClient(azurite.ConnectionString, rejected).GetBlobClient($"{uploads.Name}/{name}.preflight.json");
        var fromWorker = JsonNode.Parse((await reportBlob.DownloadContentAsync()).Value.Content.ToString())!;

        Assert.Equal("fail", (string?)fromCheck["verdict"]);
        var expected = Comparable(fromCheck);
        Assert.Equal(expected, Comparable(fromUpload));
        Assert.Equal(expected, Comparable(fromUrl));
        Assert.Equal(expected, Comparable(fromWorker));
    }

    private static JsonNode OnlyFile(JsonNode report) => Assert.Single(report["files"]!.AsArray())!;

    /// <summary>The entry without what legitimately differs between faces: its path and a URL's source.</summary>
    private static string Comparable(JsonNode file)
    {
        var copy = file.DeepClone().AsObject();
        copy.Remove("path");
        copy.Remove("source");
        return copy.ToJsonString();
    }

    private static async Task<JsonNode> ReceiveAsync(QueueClient results)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            timeout.Token.ThrowIfCancellationRequested();
            if (await results.ExistsAsync(timeout.Token))
            {
                var received = await results.ReceiveMessagesAsync(1, cancellationToken: timeout.Token);
                if (received.Value.FirstOrDefault() is { } message) return JsonNode.Parse(message.MessageText)!;
            }
            await Task.Delay(200, timeout.Token);
        }
    }

    public void Dispose() => _temp.Dispose();
}
