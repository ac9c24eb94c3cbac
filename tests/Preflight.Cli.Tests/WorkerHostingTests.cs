using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

/// <summary>
/// The queue worker hosted inside the HTTP service (<c>Preflight:Worker:Enabled=true</c>), composed by <c>preflight serve</c>
/// (<see cref="Commands.ServeCommand.Compose"/>), against a real Azurite. The CLI is the host that composes the faces.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class WorkerHostingTests(AzuriteFixture azurite)
{
    private readonly string _requests = AzuriteFixture.UniqueName("api-req");
    private readonly string _results = AzuriteFixture.UniqueName("api-res");
    private readonly string _staged = AzuriteFixture.UniqueName("api-staged");
    private readonly string _rejected = AzuriteFixture.UniqueName("api-rejected");

    [Fact]
    public async Task Serve_WorkerEnabled_RequestMessageGetsAResultAndHealthzShowsCounters()
    {
        await using var app = await ServeApp.StartAsync(
            ("Preflight:Worker:Enabled", "true"),
            ("Preflight:Staging:ConnectionString", azurite.ConnectionString),
            ("Preflight:Staging:Container", _staged),
            ("Preflight:Worker:RequestQueue", _requests),
            ("Preflight:Worker:ResultQueue", _results),
            ("Preflight:Worker:RejectedContainer", _rejected),
            ("Preflight:Worker:Concurrency", "1"),
            ("Preflight:Worker:PollInterval", "00:00:00.200"));
        var png = await File.ReadAllBytesAsync(RepoPaths.TestFile("valid", "image-160x90.png"));
        var uploads = new BlobContainerClient(azurite.ConnectionString, AzuriteFixture.UniqueName("api-uploads"));
        await uploads.CreateIfNotExistsAsync();
        var blob = uploads.GetBlobClient("poster.png");
        await blob.UploadAsync(new BinaryData(png));
        var requests = new QueueClient(azurite.ConnectionString, _requests);
        await requests.CreateIfNotExistsAsync();

        await requests.SendMessageAsync(new JsonObject { ["blobUrl"] = blob.Uri.ToString(), ["correlationId"] = "order-42" }.ToJsonString());
        var result = await ReceiveResultAsync();

        Assert.Equal("order-42", (string?)result["correlationId"]);
        Assert.Equal("pass", (string?)result["verdict"]);
        Assert.Equal(ServeApp.Sha256(png) + ".png", (string?)result["staged"]!["blobName"]);
        using var http = new HttpClient { BaseAddress = app.Address };
        // The worker counts a message after sending its result: read /healthz until the count has caught up.
        var health = await HealthOnceSettledAsync(http);
        var worker = health["worker"]!;
        Assert.Equal(1, (long)worker["processed"]!);
        Assert.Equal(1, (long)worker["passed"]!);
        Assert.Equal(0, (long)worker["failed"]!);
        Assert.Equal("azure-blob", (string?)health["staging"]!["store"]);
        // The HTTP side still works beside the worker.
        using var upload = await http.PostAsync("/v1/preflight/files", ServeApp.Multipart(("a.png", png)));
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
    }

    [Fact]
    public async Task Serve_WorkerEnabledWithoutConnectionString_FailsAtStartNamingTheSetting()
    {
        var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(
            () => ServeApp.StartAsync(("Preflight:Worker:Enabled", "true")));

        Assert.Contains("Preflight:Worker:ConnectionString", string.Join(" ", error.Failures), StringComparison.Ordinal);
    }

    private static async Task<JsonObject> HealthOnceSettledAsync(HttpClient http)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var health = (await http.GetFromJsonAsync<JsonObject>("/healthz", timeout.Token))!;
            var worker = health["worker"] ?? throw new Xunit.Sdk.XunitException("/healthz has no 'worker' member: " + health.ToJsonString());
            if ((long)worker["processed"]! > 0 && (long)worker["inFlight"]! == 0) return health;
            await Task.Delay(100, timeout.Token);
        }
    }

    /// <summary>Waits for the worker's one result message (bounded, so a broken worker fails the test instead of hanging it).</summary>
    private async Task<JsonNode> ReceiveResultAsync()
    {
        var results = new QueueClient(azurite.ConnectionString, _results);
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
}
