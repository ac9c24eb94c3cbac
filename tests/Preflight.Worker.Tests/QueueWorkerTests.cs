using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Preflight.Core.Inspection;
using Preflight.TestSupport;

namespace Preflight.Worker.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class QueueWorkerTests(AzuriteFixture azurite)
{
    private async Task<WorkerHarness> HarnessAsync(Dictionary<string, string?>? overrides = null)
    {
        var harness = new WorkerHarness(azurite.ConnectionString, overrides);
        await harness.InitializeAsync();
        return harness;
    }

    [Theory]
    [InlineData("valid/video-h264-aac-640x360-25fps-faststart.mp4", ".mp4")]
    [InlineData("valid/image-320x180.jpg", ".jpg")]
    [InlineData("valid/image-160x90.png", ".png")]
    [InlineData("valid/audio-pcm16-22khz-mono.wav", ".wav")]
    [InlineData("valid/audio-64kbps-mono.mp3", ".mp3")]
    public async Task Worker_PassingFileOfEachKind_IsStagedAndResultSent(string file, string extension)
    {
        await using var harness = await HarnessAsync();
        var url = await harness.UploadAsync(file);
        await harness.StartWorkerAsync();

        await harness.SendRequestAsync(url, correlationId: "corr-1");
        var result = Assert.Single(await harness.ResultsAsync(1));

        Assert.Equal("pass", result.GetProperty("verdict").GetString());
        Assert.Equal("corr-1", result.GetProperty("correlationId").GetString());
        Assert.Equal(url, result.GetProperty("source").GetString());
        Assert.False(string.IsNullOrEmpty(result.GetProperty("sourceETag").GetString()));
        Assert.Equal(JsonValueKind.Null, result.GetProperty("reportBlob").ValueKind);
        var staged = result.GetProperty("staged");
        Assert.EndsWith(extension, staged.GetProperty("blobName").GetString());
        Assert.Equal([staged.GetProperty("blobName").GetString()!], await WorkerHarness.ListAsync(harness.Staged));
        Assert.Empty(await WorkerHarness.ListAsync(harness.Rejected));
        Assert.Null((await harness.Requests.PeekMessageAsync()).Value);
    }

    [Fact]
    public async Task Worker_FailingFile_CopiedToRejectedWithReportBeside()
    {
        await using var harness = await HarnessAsync();
        var url = await harness.UploadAsync("corrupt/jpeg-no-eoi.jpg", "photo.jpg");
        await harness.StartWorkerAsync();

        await harness.SendRequestAsync(url);
        var result = Assert.Single(await harness.ResultsAsync(1));

        Assert.Equal("fail", result.GetProperty("verdict").GetString());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("staged").ValueKind);
        Assert.Contains(result.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "file.corrupt");
        var prefix = harness.Uploads.Name + "/photo.jpg";
        Assert.Equal([prefix, prefix + ".preflight.json"], (await WorkerHarness.ListAsync(harness.Rejected)).Order());
        var report = await harness.Rejected.GetBlobClient(prefix + ".preflight.json").DownloadContentAsync();
        Assert.Equal("fail", JsonDocument.Parse(report.Value.Content.ToString()).RootElement.GetProperty("verdict").GetString());
        Assert.EndsWith(prefix + ".preflight.json", result.GetProperty("reportBlob").GetString());
        Assert.Empty(await WorkerHarness.ListAsync(harness.Staged));
    }

    [Fact]
    public async Task Worker_EventGridBlobCreatedBase64_IsProcessed()
    {
        await using var harness = await HarnessAsync();
        var url = await harness.UploadAsync("valid/image-160x90.png");
        await harness.StartWorkerAsync();
        var evt = JsonSerializer.Serialize(new
        {
            topic = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/devstoreaccount1",
            subject = "/blobServices/default/containers/x/blobs/image-160x90.png",
            eventType = "Microsoft.Storage.BlobCreated",
            id = "event-1",
            data = new { api = "PutBlob", url, contentType = "image/png", blobType = "BlockBlob" },
            eventTime = DateTimeOffset.UtcNow,
        });

        await harness.SendAsync(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(evt)));
        var result = Assert.Single(await harness.ResultsAsync(1));

        Assert.Equal("pass", result.GetProperty("verdict").GetString());
        Assert.Equal("event-1", result.GetProperty("correlationId").GetString());
    }

    [Fact]
    public async Task Worker_Base64AndPlainForms_GiveTheSameResult()
    {
        await using var harness = await HarnessAsync();
        var url = await harness.UploadAsync("valid/audio-64kbps-mono.mp3");
        await harness.StartWorkerAsync();

        await harness.SendRequestAsync(url, "plain");
        await harness.SendRequestAsync(url, "b64", base64: true);
        var results = await harness.ResultsAsync(2);

        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal("pass", r.GetProperty("verdict").GetString()));
        Assert.Single(results.Select(r => r.GetProperty("staged").GetProperty("url").GetString()).Distinct());
    }

    [Fact]
    public async Task Worker_DuplicateDeliveryToTwoRacingWorkers_OneStagedBlobConsistentResults()
    {
        await using var harness = await HarnessAsync();
        var url = await harness.UploadAsync("valid/video-h264-aac-640x360-25fps-faststart.mp4");
        await harness.StartWorkerAsync();
        await harness.StartWorkerAsync();

        for (var i = 0; i < 4; i++) await harness.SendRequestAsync(url, "dup");
        var results = await harness.ResultsAsync(4);

        Assert.Equal(4, results.Count);
        Assert.All(results, r => Assert.Equal("pass", r.GetProperty("verdict").GetString()));
        Assert.Single(results.Select(r => r.GetProperty("staged").GetProperty("url").GetString()).Distinct());
        Assert.Equal(1, results.Count(r => !r.GetProperty("staged").GetProperty("alreadyExisted").GetBoolean()));
        Assert.Single(await WorkerHarness.ListAsync(harness.Staged));
    }

    [Fact]
    public async Task Worker_CrashAfterReceiving_AnotherWorkerCompletesAfterVisibilityTimeout()
    {
        await using var harness = await HarnessAsync();
        var url = await harness.UploadAsync("valid/image-320x180.jpg");
        await harness.SendRequestAsync(url, "crash");

        // A worker that took the message and died: received, never deleted.
        var taken = (await harness.Requests.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(2))).Value;
        Assert.Single(taken);
        await harness.StartWorkerAsync();

        var result = Assert.Single(await harness.ResultsAsync(1, seconds: 20));
        Assert.Equal("pass", result.GetProperty("verdict").GetString());
        Assert.Single(await WorkerHarness.ListAsync(harness.Staged));
    }

    [Fact]
    public async Task Worker_HostStoppedMidProcessing_NextWorkerFinishesAndNothingPartialIsVisible()
    {
        await using var harness = await HarnessAsync();
        var urls = new List<string>();
        foreach (var file in new[] { "valid/video-h264-aac-640x360-25fps-faststart.mp4", "valid/warning-not-faststart.mp4", "valid/image-320x180.jpg" })
            urls.Add(await harness.UploadAsync(file));
        var first = await harness.StartWorkerAsync();
        foreach (var url in urls) await harness.SendRequestAsync(url);

        // Kill the first worker at once: whatever it held is finished, abandoned, or left to time out.
        await first.StopAsync(new CancellationToken(canceled: true));
        await harness.StartWorkerAsync();

        var results = await harness.ResultsAsync(3, seconds: 30);
        Assert.Equal(3, results.Select(r => r.GetProperty("source").GetString()).Distinct().Count());
        Assert.All(results, r => Assert.Equal("pass", r.GetProperty("verdict").GetString()));
        var staged = await WorkerHarness.ListAsync(harness.Staged);
        Assert.Equal(3, staged.Count);
        Assert.All(staged, name => Assert.Matches("^[0-9a-f]{64}\\.(mp4|jpg)$", name));
    }

    [Fact]
    public async Task Worker_StoppedJustAfterItsResultWasSent_StillDeletesTheMessage_SoNoSecondResult()
    {
        await using var harness = await HarnessAsync();
        var url = await harness.UploadAsync("valid/image-320x180.jpg");
        // The host is stopped "at once" (shutdown timeout already over) the moment the result queue has the result.
        var stopAfterResult = new StopAfterResultPolicy(harness.Results.Name);
        var first = await harness.StartWorkerAsync(services =>
            services.AddSingleton(new QueueServiceClient(azurite.ConnectionString, WithPolicy(stopAfterResult))));
        stopAfterResult.Host = first;

        await harness.SendRequestAsync(url, "once");
        await stopAfterResult.Stopped.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await harness.StartWorkerAsync();

        // An abandoned message is visible again at once, a forgotten one after 5 s: 10 s is enough to see either.
        var result = Assert.Single(await harness.ResultsAsync(2, seconds: 10));
        Assert.Equal("once", result.GetProperty("correlationId").GetString());
        Assert.Null((await harness.Requests.PeekMessageAsync()).Value);
    }

    [Fact]
    public async Task Worker_StoppedPastItsShutdownTimeout_HasHandedBackWhatItHeldWhenStopReturns()
    {
        await using var harness = await HarnessAsync(new() { ["Preflight:Worker:VisibilityTimeout"] = "00:01:00" });
        var url = await harness.UploadAsync("valid/image-320x180.jpg");
        var inspecting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Handing a message back takes a moment (here 1 s); a stop that returned before it would leave the process
        // exiting with the message hidden for the whole visibility timeout (a minute).
        var host = await harness.StartWorkerAsync(services =>
        {
            services.AddSingleton(new QueueServiceClient(azurite.ConnectionString, WithPolicy(new DelayRequests(
                m => m.Request.Method == RequestMethod.Put && m.Request.Uri.Query.Contains("visibilitytimeout=0"), TimeSpan.FromSeconds(1)))));
            services.AddSingleton<WorkerInspection>(async (_, _, ct) =>
            {
                inspecting.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
                throw new InvalidOperationException("unreachable");
            });
        });

        await harness.SendRequestAsync(url, "held");
        await inspecting.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await host.StopAsync(new CancellationToken(canceled: true));

        var back = (await harness.Requests.PeekMessageAsync()).Value;
        Assert.NotNull(back);
        Assert.Contains("held", back.MessageText);
    }

    [Fact]
    public async Task Worker_StoppedWhileAReceiveBringsAMessage_HandsItBackAtOnce()
    {
        // The service has answered a receive (the message is hidden for a minute) as the worker is told to stop.
        // Cancelling that receive would drop the answer, leaving the message hidden for that minute, held by nobody.
        await using var harness = await HarnessAsync(new() { ["Preflight:Worker:VisibilityTimeout"] = "00:01:00" });
        var url = await harness.UploadAsync("valid/image-320x180.jpg");
        QueueWorker? worker = null;
        Task? stopping = null;
        var stopOnArrival = new AfterFirstResponse(
            m => m.Request.Method == RequestMethod.Get && m.Request.Uri.Path.EndsWith($"/{harness.Requests.Name}/messages", StringComparison.Ordinal)
                && m.Response.Content.ToString().Contains("<MessageId>", StringComparison.Ordinal),
            m =>
            {
                stopping = worker!.StopAsync(CancellationToken.None);
                // What the transport does when its token is cancelled while the answer is being read.
                m.CancellationToken.ThrowIfCancellationRequested();
            });
        var host = await harness.StartWorkerAsync(services =>
            services.AddSingleton(new QueueServiceClient(azurite.ConnectionString, WithPolicy(stopOnArrival))));
        worker = host.Services.GetServices<IHostedService>().OfType<QueueWorker>().Single();

        await harness.SendRequestAsync(url, "arriving");
        await Polling.Eventually(() => stopping is not null, TimeSpan.FromSeconds(30));
        await stopping!.WaitAsync(TimeSpan.FromSeconds(30));

        var back = (await harness.Requests.PeekMessageAsync()).Value;
        Assert.NotNull(back);
        Assert.Contains("arriving", back.MessageText);
        Assert.Empty(await WorkerHarness.ListAsync(harness.Staged)); // handed back unprocessed
    }

    [Fact]
    public async Task Worker_MessageTakenByAnotherConsumerBeforeItsDelete_IsNotPoisoned()
    {
        // The last delivery allowed. Its invisibility runs out just before the delete (simulated: another consumer
        // takes the message then), so the delete is refused: the work was done and answered, nothing is poisoned.
        await using var harness = await HarnessAsync(new() { ["Preflight:Worker:MaxDequeueCount"] = "1" });
        var url = await harness.UploadAsync("valid/image-320x180.jpg");
        var taken = new TaskCompletionSource<(string MessageId, string PopReceipt)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thief = TakeMessageFirst(harness.Requests, m => m.Request.Method == RequestMethod.Delete, taken);
        await harness.StartWorkerAsync(services =>
            services.AddSingleton(new QueueServiceClient(azurite.ConnectionString, WithPolicy(thief))));

        await harness.SendRequestAsync(url, "taken");
        Assert.Equal("pass", Assert.Single(await harness.ResultsAsync(1)).GetProperty("verdict").GetString());
        var other = await taken.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await harness.Requests.DeleteMessageAsync(other.MessageId, other.PopReceipt);

        Assert.Empty(await WorkerHarness.DrainAsync(harness.Poison, 1, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Worker_LeaseLostMidInspection_SendsNoResultOfItsOwn()
    {
        // Another consumer takes the message while this one inspects it (its renewal is refused): the other one's
        // result is the answer; sending this one too would answer the request twice.
        await using var harness = await HarnessAsync(new() { ["Preflight:Worker:VisibilityTimeout"] = "00:00:04" });
        var url = await harness.UploadAsync("valid/image-320x180.jpg");
        var taken = new TaskCompletionSource<(string MessageId, string PopReceipt)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thief = TakeMessageFirst(harness.Requests,
            m => m.Request.Method == RequestMethod.Put && !m.Request.Uri.Query.Contains("visibilitytimeout=0"), taken);
        var inspected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await harness.StartWorkerAsync(services =>
        {
            services.AddSingleton(new QueueServiceClient(azurite.ConnectionString, WithPolicy(thief)));
            services.AddSingleton<WorkerInspection>(sp => async (request, options, ct) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(5), ct); // past the first renewal, due at 2 s
                var report = await sp.GetRequiredService<Inspector>().InspectAsync(request, options, ct);
                inspected.TrySetResult();
                return report;
            });
        });

        await harness.SendRequestAsync(url, "lost");
        var other = await taken.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await inspected.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Empty(await harness.ResultsAsync(1, seconds: 3));
        Assert.Empty(await WorkerHarness.DrainAsync(harness.Poison, 1, TimeSpan.FromSeconds(1)));
        await harness.Requests.DeleteMessageAsync(other.MessageId, other.PopReceipt);
    }

    [Fact]
    public async Task Worker_GarbageMessageWhoseEscapedCopyWouldNotFitAQueueMessage_IsPoisonedWithItsStart()
    {
        await using var harness = await HarnessAsync(new() { ["Preflight:Worker:MaxDequeueCount"] = "1" });
        await harness.StartWorkerAsync();

        // 60,000 quotes: a valid queue message, but escaped for JSON it is several times as long.
        var garbage = new string('"', 60_000);
        await harness.SendAsync(garbage);
        var poison = Assert.Single(await WorkerHarness.DrainAsync(harness.Poison, 1, TimeSpan.FromSeconds(30)));

        Assert.Contains("not JSON", poison.GetProperty("reason").GetString());
        Assert.True(poison.GetProperty("originalMessageTruncated").GetBoolean());
        var kept = poison.GetProperty("originalMessage").GetString()!;
        Assert.InRange(kept.Length, 1, garbage.Length - 1);
        Assert.StartsWith(kept, garbage);
    }

    [Fact]
    public async Task Worker_BlobRejectedAgainWhileItsReportIsWritten_ReportAndCopyEndUpDescribingTheSameBytes()
    {
        await using var harness = await HarnessAsync();
        var url = await harness.UploadAsync("mislabeled/png-named.jpg", "bad.jpg");
        var newer = RepoPaths.TestFile("mislabeled/mp4-named.jpg");
        // Just before this worker writes its report, the uploader replaces the blob and another worker rejects the
        // new version: its copy lands over this worker's copy.
        var overtaken = new BeforeFirst(
            m => m.Request.Method == RequestMethod.Put && m.Request.Uri.Path.EndsWith("/bad.jpg.preflight.json", StringComparison.Ordinal),
            async _ =>
            {
                var source = harness.Uploads.GetBlobClient("bad.jpg");
                await source.UploadAsync(newer, overwrite: true);
                var copy = harness.Rejected.GetBlobClient($"{harness.Uploads.Name}/bad.jpg");
                await (await copy.StartCopyFromUriAsync(source.Uri)).WaitForCompletionAsync();
            });
        var blobOptions = new BlobClientOptions();
        blobOptions.AddPolicy(overtaken, HttpPipelinePosition.PerCall);
        await harness.StartWorkerAsync(services => services.AddSingleton(new BlobServiceClient(azurite.ConnectionString, blobOptions)));

        await harness.SendRequestAsync(url);
        var result = Assert.Single(await harness.ResultsAsync(1, seconds: 30));

        var newerSha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(newer)));
        Assert.Equal("fail", result.GetProperty("verdict").GetString());
        var current = (await harness.Uploads.GetBlobClient("bad.jpg").GetPropertiesAsync()).Value.ETag.ToString();
        Assert.Equal(current, result.GetProperty("sourceETag").GetString());
        var copyBytes = (await harness.Rejected.GetBlobClient($"{harness.Uploads.Name}/bad.jpg").DownloadContentAsync()).Value.Content.ToArray();
        var report = (await harness.Rejected.GetBlobClient($"{harness.Uploads.Name}/bad.jpg.preflight.json").DownloadContentAsync()).Value.Content;
        Assert.Equal(newerSha, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(copyBytes)));
        Assert.Equal(newerSha, JsonDocument.Parse(report.ToMemory()).RootElement.GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task Worker_GarbageMessage_PoisonedAfterMaxAttemptsAndWorkerKeepsGoing()
    {
        await using var harness = await HarnessAsync(new() { ["Preflight:Worker:MaxDequeueCount"] = "2" });
        await harness.StartWorkerAsync();

        await harness.SendAsync("this is not a request {");
        var poison = Assert.Single(await WorkerHarness.DrainAsync(harness.Poison, 1, TimeSpan.FromSeconds(30)));
        Assert.Contains("not JSON", poison.GetProperty("reason").GetString());
        Assert.Equal(2, poison.GetProperty("dequeueCount").GetInt64());
        Assert.Equal("this is not a request {", poison.GetProperty("originalMessage").GetString());

        var url = await harness.UploadAsync("valid/image-160x90.png");
        await harness.SendRequestAsync(url);
        Assert.Equal("pass", Assert.Single(await harness.ResultsAsync(1)).GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Worker_MessageNamingAProfile_IsCheckedAgainstItAndTheResultSaysSo()
    {
        await using var harness = await HarnessAsync();
        var url = await harness.UploadAsync("valid/image-160x90.png");
        await harness.StartWorkerAsync();

        await harness.SendAsync(JsonSerializer.Serialize(new { blobUrl = url, profile = "tavus" }));
        await harness.SendRequestAsync(url);
        var results = await harness.ResultsAsync(2);

        Assert.Equal(["heygen", "tavus"], results.Select(r => r.GetProperty("profile").GetString()).Order());
    }

    [Fact]
    public async Task Worker_MessageNamingAnUnknownProfile_PoisonedWithTheKnownNames()
    {
        await using var harness = await HarnessAsync(new() { ["Preflight:Worker:MaxDequeueCount"] = "1" });
        var url = await harness.UploadAsync("valid/image-160x90.png");
        await harness.StartWorkerAsync();

        await harness.SendAsync(JsonSerializer.Serialize(new { blobUrl = url, profile = "nosuch" }));
        var poison = Assert.Single(await WorkerHarness.DrainAsync(harness.Poison, 1, TimeSpan.FromSeconds(30)));

        var reason = poison.GetProperty("reason").GetString();
        Assert.Contains("profile 'nosuch'", reason);
        Assert.Contains("tavus", reason);
        Assert.Empty(await harness.ResultsAsync(1, seconds: 1));
    }

    [Fact]
    public async Task Worker_MissingBlob_PoisonedWithReason()
    {
        await using var harness = await HarnessAsync(new() { ["Preflight:Worker:MaxDequeueCount"] = "2" });
        await harness.StartWorkerAsync();

        await harness.SendRequestAsync(harness.Uploads.GetBlobClient("gone.mp4").Uri.ToString());
        var poison = Assert.Single(await WorkerHarness.DrainAsync(harness.Poison, 1, TimeSpan.FromSeconds(30)));

        Assert.Contains("does not exist", poison.GetProperty("reason").GetString());
        Assert.Empty(await harness.ResultsAsync(1, seconds: 1));
    }

    [Fact]
    public async Task Worker_EventsForItsOwnRejectedAndStagedBlobs_AreIgnoredSoNothingLoops()
    {
        await using var harness = await HarnessAsync();
        var host = await harness.StartWorkerAsync();
        var metrics = host.Services.GetRequiredService<WorkerMetrics>();
        // A first failing upload fills the rejected container, a passing one the staged container.
        await harness.SendRequestAsync(await harness.UploadAsync("corrupt/jpeg-no-eoi.jpg", "photo.jpg"));
        await harness.SendRequestAsync(await harness.UploadAsync("valid/image-160x90.png"));
        var first = await harness.ResultsAsync(2);
        var rejectedBefore = await WorkerHarness.ListAsync(harness.Rejected);
        var stagedBefore = await WorkerHarness.ListAsync(harness.Staged);

        // What an Event Grid subscription without a container filter then delivers: the stage's own writes.
        foreach (var name in rejectedBefore) await harness.SendRequestAsync(harness.Rejected.GetBlobClient(name).Uri.ToString());
        foreach (var name in stagedBefore) await harness.SendRequestAsync(harness.Staged.GetBlobClient(name).Uri.ToString());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (metrics.Ignored < rejectedBefore.Count + stagedBefore.Count && DateTime.UtcNow < deadline) await Task.Delay(100);

        Assert.Equal(2, first.Count);
        Assert.Equal(3, rejectedBefore.Count + stagedBefore.Count);
        Assert.Equal(3, metrics.Ignored);
        Assert.Empty(await harness.ResultsAsync(1, seconds: 1));
        Assert.Equal(rejectedBefore, await WorkerHarness.ListAsync(harness.Rejected));
        Assert.Equal(stagedBefore, await WorkerHarness.ListAsync(harness.Staged));
        Assert.Null((await harness.Poison.PeekMessageAsync()).Value);
    }

    [Theory]
    [InlineData("my holiday/été ✓ \"final\".png")]
    [InlineData("a%20b #1?.png")]
    public async Task Worker_BlobNameWithSpacesAndUnicode_IsInspected(string blobName)
    {
        await using var harness = await HarnessAsync();
        var url = await harness.UploadAsync("valid/image-160x90.png", blobName);
        await harness.StartWorkerAsync();

        await harness.SendRequestAsync(url);
        var result = Assert.Single(await harness.ResultsAsync(1));

        Assert.Equal("pass", result.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task Worker_BlobNameWithAnExtensionLongerThanAFileName_IsAReportNotAPoisonMessage()
    {
        await using var harness = await HarnessAsync(new() { ["Preflight:Worker:MaxDequeueCount"] = "1" });
        // Blob names may have 1,024 characters; a file name on disk only 255 bytes.
        var url = await harness.UploadAsync("valid/image-160x90.png", "clip." + new string('x', 300));
        await harness.StartWorkerAsync();

        await harness.SendRequestAsync(url);
        var result = Assert.Single(await harness.ResultsAsync(1));

        Assert.Equal("fail", result.GetProperty("verdict").GetString());
        Assert.Contains(result.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "format.unsupported");
        Assert.Null((await harness.Poison.PeekMessageAsync()).Value);
    }

    [Fact]
    public async Task Worker_BlobOfAnotherAccount_IsNeverFetched()
    {
        await using var harness = await HarnessAsync(new() { ["Preflight:Worker:MaxDequeueCount"] = "1" });
        await harness.StartWorkerAsync();

        // Only loopback in tests: another "account" on the same emulator host is still refused by name.
        await harness.SendRequestAsync(harness.Uploads.Uri.ToString().Replace("devstoreaccount1", "otheraccount") + "/x.mp4");
        var poison = Assert.Single(await WorkerHarness.DrainAsync(harness.Poison, 1, TimeSpan.FromSeconds(30)));

        Assert.Contains("storage account", poison.GetProperty("reason").GetString());
    }

    private static QueueClientOptions WithPolicy(HttpPipelinePolicy policy)
    {
        var options = new QueueClientOptions();
        options.AddPolicy(policy, HttpPipelinePosition.PerCall);
        return options;
    }

    /// <summary>Runs <paramref name="action"/> once, on the first answered request <paramref name="matches"/> (it sees the response).</summary>
    private sealed class AfterFirstResponse(Func<HttpMessage, bool> matches, Action<HttpMessage> action) : HttpPipelinePolicy
    {
        private int _done;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (matches(message) && Interlocked.Exchange(ref _done, 1) == 0) action(message);
        }
    }

    /// <summary>Runs <paramref name="action"/> once, just before the first request <paramref name="matches"/> goes out.</summary>
    private sealed class BeforeFirst(Func<HttpMessage, bool> matches, Func<HttpMessage, Task> action) : HttpPipelinePolicy
    {
        private int _done;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (matches(message) && Interlocked.Exchange(ref _done, 1) == 0) await action(message);
            await ProcessNextAsync(message, pipeline);
        }
    }

    /// <summary>Holds the requests <paramref name="matches"/> back for <paramref name="delay"/> before sending them.</summary>
    private sealed class DelayRequests(Func<HttpMessage, bool> matches, TimeSpan delay) : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (matches(message)) await Task.Delay(delay);
            await ProcessNextAsync(message, pipeline);
        }
    }

    /// <summary>
    /// Just before the first request <paramref name="matches"/> (a renewal, a delete) goes out with the worker's pop
    /// receipt, another consumer takes the message: it is made visible and received again, so that receipt is stale.
    /// </summary>
    /// <summary>
    /// Another consumer takes the message when the first request <paramref name="matches"/>: its pop receipt is replaced
    /// (an update with the receipt that request carries, hiding the message for a minute), so the worker's own receipt
    /// is refused from then on. The message is never visible in between: the worker's other slot cannot receive it.
    /// </summary>
    private static BeforeFirst TakeMessageFirst(QueueClient requests, Func<HttpMessage, bool> matches, TaskCompletionSource<(string MessageId, string PopReceipt)> taken) =>
        new(m => m.Request.Uri.Path.Contains($"/{requests.Name}/messages/", StringComparison.Ordinal) && matches(m), async m =>
        {
            var path = m.Request.Uri.Path;
            var messageId = path[(path.LastIndexOf('/') + 1)..];
            var popReceipt = System.Web.HttpUtility.ParseQueryString(m.Request.Uri.Query)["popreceipt"]!;
            var receipt = await requests.UpdateMessageAsync(messageId, popReceipt, visibilityTimeout: TimeSpan.FromMinutes(1));
            taken.TrySetResult((messageId, receipt.Value.PopReceipt));
        });

    /// <summary>Stops <see cref="Host"/> with an already-cancelled token right after a message reaches the result queue.</summary>
    private sealed class StopAfterResultPolicy(string resultQueue) : HttpPipelinePolicy
    {
        public IHost? Host { get; set; }

        public TaskCompletionSource Stopped { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            var sentAResult = message.Request.Method == RequestMethod.Post
                && message.Request.Uri.Path.EndsWith($"/{resultQueue}/messages", StringComparison.Ordinal);
            if (!sentAResult || Host is null || Stopped.Task.IsCompleted) return;
            try
            {
                await Host.StopAsync(new CancellationToken(canceled: true));
            }
            catch (OperationCanceledException)
            {
            }
            Stopped.TrySetResult();
        }
    }
}
