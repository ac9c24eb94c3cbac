using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Preflight.TestSupport;

namespace Preflight.Worker.Tests;

/// <summary>One isolated pipeline (own queues and containers) on the shared Azurite, and workers reading it.</summary>
public sealed class WorkerHarness : IAsyncDisposable
{
    private readonly List<IHost> _hosts = [];
    private readonly string _id = Guid.NewGuid().ToString("N")[..10];

    public WorkerHarness(string connectionString, Dictionary<string, string?>? overrides = null)
    {
        ConnectionString = connectionString;
        Settings = new Dictionary<string, string?>
        {
            ["Preflight:Worker:ConnectionString"] = connectionString,
            ["Preflight:Worker:RequestQueue"] = $"req-{_id}",
            ["Preflight:Worker:ResultQueue"] = $"res-{_id}",
            ["Preflight:Worker:RejectedContainer"] = $"rejected-{_id}",
            ["Preflight:Worker:Concurrency"] = "2",
            ["Preflight:Worker:PollInterval"] = "00:00:00.100",
            ["Preflight:Worker:RetryDelay"] = "00:00:00",
            // Renewed every 2.5 s: slack for a slow emulator on a loaded machine before a message would reappear.
            ["Preflight:Worker:VisibilityTimeout"] = "00:00:05",
            ["Preflight:Worker:MaxDequeueCount"] = "3",
            ["Preflight:Staging:Container"] = $"staged-{_id}",
            // Each pipeline its own verdict cache, so no test is answered by another's verdicts.
            ["Preflight:Cache:Container"] = $"cache-{_id}",
        };
        foreach (var (key, value) in overrides ?? []) Settings[key] = value;
        var service = new QueueServiceClient(connectionString);
        Requests = service.GetQueueClient(Settings["Preflight:Worker:RequestQueue"]);
        Results = service.GetQueueClient(Settings["Preflight:Worker:ResultQueue"]);
        Poison = service.GetQueueClient(Settings["Preflight:Worker:RequestQueue"] + "-poison");
        var blobs = new BlobServiceClient(connectionString);
        Uploads = blobs.GetBlobContainerClient($"uploads-{_id}");
        Staged = blobs.GetBlobContainerClient(Settings["Preflight:Staging:Container"]);
        Rejected = blobs.GetBlobContainerClient(Settings["Preflight:Worker:RejectedContainer"]);
    }

    public string ConnectionString { get; }
    public Dictionary<string, string?> Settings { get; }
    public QueueClient Requests { get; }
    public QueueClient Results { get; }
    public QueueClient Poison { get; }
    public BlobContainerClient Uploads { get; }
    public BlobContainerClient Staged { get; }
    public BlobContainerClient Rejected { get; }

    public async Task InitializeAsync()
    {
        // The worker creates its queues when it starts; the test reads them possibly before that.
        await Requests.CreateIfNotExistsAsync();
        await Results.CreateIfNotExistsAsync();
        await Poison.CreateIfNotExistsAsync();
        await Uploads.CreateIfNotExistsAsync();
    }

    /// <summary>Starts one worker process-equivalent (its own host, clients and consumers).</summary>
    /// <param name="configure">Registers stand-ins before the worker's own (e.g. storage clients with injected faults).</param>
    public async Task<IHost> StartWorkerAsync(Action<IServiceCollection>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(Settings);
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        configure?.Invoke(builder.Services);
        builder.Services.AddPreflightWorker(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        _hosts.Add(host);
        return host;
    }

    public async Task<string> UploadAsync(string testDataPath, string? blobName = null)
    {
        var blob = Uploads.GetBlobClient(blobName ?? Path.GetFileName(testDataPath));
        await blob.UploadAsync(RepoPaths.TestFile(testDataPath), overwrite: true);
        return blob.Uri.ToString();
    }

    /// <summary>Uploads a file from anywhere on disk (generated inputs) under <paramref name="blobName"/>.</summary>
    public async Task<string> UploadFileAsync(string path, string blobName)
    {
        var blob = Uploads.GetBlobClient(blobName);
        await blob.UploadAsync(path, overwrite: true);
        return blob.Uri.ToString();
    }

    public Task SendAsync(string text) => Requests.SendMessageAsync(text);

    public Task SendRequestAsync(string blobUrl, string? correlationId = null, bool base64 = false)
    {
        var json = JsonSerializer.Serialize(new { blobUrl, correlationId });
        return SendAsync(base64 ? Convert.ToBase64String(Encoding.UTF8.GetBytes(json)) : json);
    }

    public static async Task<List<JsonElement>> DrainAsync(QueueClient queue, int count, TimeSpan timeout)
    {
        var found = new List<JsonElement>();
        var deadline = DateTime.UtcNow + timeout;
        while (found.Count < count && DateTime.UtcNow < deadline)
        {
            var messages = (await queue.ReceiveMessagesAsync(32)).Value;
            foreach (var message in messages)
            {
                found.Add(JsonDocument.Parse(message.MessageText).RootElement.Clone());
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
            if (messages.Length == 0) await Task.Delay(100);
        }
        return found;
    }

    public Task<List<JsonElement>> ResultsAsync(int count, int seconds = 30) => DrainAsync(Results, count, TimeSpan.FromSeconds(seconds));

    public static async Task<List<string>> ListAsync(BlobContainerClient container)
    {
        var names = new List<string>();
        if (!(await container.ExistsAsync()).Value) return names;
        await foreach (var blob in container.GetBlobsAsync()) names.Add(blob.Name);
        return names;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            try { await host.StopAsync(TimeSpan.FromSeconds(5)); } catch (OperationCanceledException) { }
            host.Dispose();
        }
        foreach (var queue in new[] { Requests, Results, Poison }) await queue.DeleteIfExistsAsync();
        foreach (var container in new[] { Uploads, Staged, Rejected }) await container.DeleteIfExistsAsync();
    }
}
