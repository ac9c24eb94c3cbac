using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;

namespace WorkerBench;

/// <summary>
/// Driver for bench/worker-throughput.sh. The shell script owns the processes (Azurite, workers); this
/// program only talks to storage: <c>prepare</c> uploads the files, <c>run</c> enqueues the requests,
/// times the results and checks them. One <c>--id</c> names every queue and container of a round.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.Error.WriteLine("""
                usage: WorkerBench prepare --connection CS --id ID --testdata DIR --count N --state FILE
                       WorkerBench run     --connection CS --id ID --state FILE [--timeout SECONDS] [--grace SECONDS]
                names: uploads-ID, req-ID (+ -poison), res-ID, staged-ID, rejected-ID
                """);
            return 2;
        }
        var options = Options.Parse(args.AsSpan(1));
        var names = new Names(options.Required("--id"));
        var connection = options.Required("--connection");
        return args[0] switch
        {
            "prepare" => await Prepare.RunAsync(connection, names, options),
            "run" => await Round.RunAsync(connection, names, options),
            _ => throw new ArgumentException($"unknown command '{args[0]}'"),
        };
    }
}

/// <summary>Every queue and container of one round, derived from its id (the shell script derives the same).</summary>
public sealed record Names(string Id)
{
    public string Uploads => $"uploads-{Id}";
    public string Requests => $"req-{Id}";
    public string Poison => $"req-{Id}-poison";
    public string Results => $"res-{Id}";
    public string Staged => $"staged-{Id}";
    public string Rejected => $"rejected-{Id}";
}

/// <summary>One uploaded blob and what the manifest says the worker must conclude about it.</summary>
public sealed record Item(int Index, string CorrelationId, string BlobName, string BlobUrl, string Path, string Expected, string Sha256);

public sealed class Options
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static Options Parse(ReadOnlySpan<string> args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected '--name value', got '{args[i]}'");
            options._values[args[i]] = args[i + 1];
        }
        return options;
    }

    public string Required(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"missing {name}");

    public double Number(string name, double fallback) =>
        _values.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;
}

public static class Prepare
{
    /// <summary>Uploads COUNT blobs cycling through the manifest's quick-mode, no-plan entries (hostile/ left out).</summary>
    public static async Task<int> RunAsync(string connection, Names names, Options options)
    {
        var testdata = Path.GetFullPath(options.Required("--testdata"));
        var count = (int)options.Number("--count", 200);
        var corpus = ReadManifest(testdata);
        if (corpus.Count == 0) throw new InvalidOperationException($"no usable entries in {testdata}/manifest.json");

        var blobs = new BlobServiceClient(connection);
        var uploads = blobs.GetBlobContainerClient(names.Uploads);
        await uploads.CreateIfNotExistsAsync();
        var queues = new QueueServiceClient(connection);
        await queues.GetQueueClient(names.Requests).CreateIfNotExistsAsync();
        await queues.GetQueueClient(names.Results).CreateIfNotExistsAsync();

        var hashes = corpus.ToDictionary(e => e.Path, e => Sha256Of(Path.Combine(testdata, e.Path)));
        var items = Enumerable.Range(0, count).Select(i =>
        {
            var (path, expected) = corpus[i % corpus.Count];
            var blobName = $"{i:D3}/{path}";
            return new Item(i, $"bench-{names.Id}-{i:D3}", blobName, uploads.GetBlobClient(blobName).Uri.ToString(), path, expected, hashes[path]);
        }).ToList();

        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (item, ct) =>
        {
            await using var file = File.OpenRead(Path.Combine(testdata, item.Path));
            await uploads.GetBlobClient(item.BlobName).UploadAsync(file, overwrite: true, ct);
        });
        await File.WriteAllTextAsync(options.Required("--state"), JsonSerializer.Serialize(items));
        var passing = items.Count(i => i.Expected == "pass");
        Console.WriteLine(FormattableString.Invariant(
            $"prepared {items.Count} blobs from {corpus.Count} distinct testdata files ({passing} expected pass, {items.Count - passing} expected fail, {items.Where(i => i.Expected == "pass").Select(i => i.Sha256).Distinct().Count()} distinct passing contents) in {watch.Elapsed.TotalSeconds:F1} s"));
        return 0;
    }

    private static List<(string Path, string Expected)> ReadManifest(string testdata)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(testdata, "manifest.json")));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var corpus = new List<(string, string)>();
        foreach (var entry in manifest.RootElement.GetProperty("entries").EnumerateArray())
        {
            var path = entry.GetProperty("path").GetString()!;
            var plain = (!entry.TryGetProperty("plan", out var plan) || plan.ValueKind == JsonValueKind.Null)
                && (!entry.TryGetProperty("deep", out var deep) || deep.ValueKind != JsonValueKind.True);
            // hostile/ is left out: the worker has its own tests for those; this measures ordinary traffic.
            if (!plain || path.StartsWith("hostile/", StringComparison.Ordinal) || !seen.Add(path)) continue;
            corpus.Add((path, entry.GetProperty("verdict").GetString()!));
        }
        corpus.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        return corpus;
    }

    private static string Sha256Of(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }
}

/// <summary>One timed round: enqueue every request, wait for every result, then check what the workers left behind.</summary>
public static class Round
{
    private sealed record Received(TimeSpan At, string Text);

    private sealed record Parsed(string? CorrelationId, string? Verdict, string? StagedName, string? StagedSha256, bool? AlreadyExisted, string? ReportBlob);

    public static async Task<int> RunAsync(string connection, Names names, Options options)
    {
        var items = JsonSerializer.Deserialize<List<Item>>(await File.ReadAllTextAsync(options.Required("--state")))!;
        var timeout = TimeSpan.FromSeconds(options.Number("--timeout", 300));
        var grace = TimeSpan.FromSeconds(options.Number("--grace", 3));
        var queues = new QueueServiceClient(connection);
        var requests = queues.GetQueueClient(names.Requests);
        var results = queues.GetQueueClient(names.Results);

        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (item, ct) =>
            await requests.SendMessageAsync(JsonSerializer.Serialize(new { blobUrl = item.BlobUrl, correlationId = item.CorrelationId }), ct));
        var enqueued = watch.Elapsed;

        var received = new List<Received>();
        await DrainAsync(results, received, watch, until: () => received.Count >= items.Count || watch.Elapsed > timeout);
        var lastResult = received.Count > 0 ? received[^1].At : watch.Elapsed;
        // Anything arriving after the last expected result is a duplicate: keep listening a little.
        var graceEnd = watch.Elapsed + grace;
        await DrainAsync(results, received, watch, until: () => watch.Elapsed > graceEnd);

        var report = await CheckAsync(connection, names, items, received.Select(r => Parse(r.Text)).ToList(), requests, queues.GetQueueClient(names.Poison));
        var expected = items.Count;
        var inTime = received.Count(r => r.At <= lastResult);
        var summary = new Dictionary<string, object?>
        {
            ["messages"] = expected,
            ["results"] = received.Count,
            ["enqueueSeconds"] = Math.Round(enqueued.TotalSeconds, 3),
            ["firstResultSeconds"] = received.Count > 0 ? Math.Round(received[0].At.TotalSeconds, 3) : null,
            ["allResultsSeconds"] = inTime >= expected ? Math.Round(lastResult.TotalSeconds, 3) : null,
            ["filesPerSecond"] = inTime >= expected ? Math.Round(expected / lastResult.TotalSeconds, 2) : null,
        };
        foreach (var (key, value) in report) summary[key] = value;
        var ok = inTime >= expected && report["problems"] is List<string> { Count: 0 };
        summary["ok"] = ok;

        Console.WriteLine(FormattableString.Invariant(
            $"enqueued {expected} requests in {enqueued.TotalSeconds:F2} s; {received.Count} results; last expected result at {lastResult.TotalSeconds:F2} s"));
        foreach (var problem in (List<string>)report["problems"]!) Console.WriteLine("PROBLEM: " + problem);
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(summary));
        return ok ? 0 : 1;
    }

    private static async Task DrainAsync(QueueClient results, List<Received> received, Stopwatch watch, Func<bool> until)
    {
        while (!until())
        {
            var batch = (await results.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            if (batch.Length == 0)
            {
                await Task.Delay(50);
                continue;
            }
            var at = watch.Elapsed;
            foreach (var message in batch)
            {
                received.Add(new Received(at, message.MessageText));
                await results.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    private static Parsed Parse(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            string? Text(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            root.TryGetProperty("staged", out var staged);
            bool? already = staged.ValueKind == JsonValueKind.Object && staged.TryGetProperty("alreadyExisted", out var a) ? a.GetBoolean() : null;
            return new Parsed(Text(root, "correlationId"), Text(root, "verdict"), Text(staged, "blobName"), Text(staged, "sha256"), already, Text(root, "reportBlob"));
        }
        catch (JsonException)
        {
            return new Parsed(null, null, null, null, null, null);
        }
    }

    /// <summary>Exactly one result per message, the manifest's verdicts, one staged blob per passing content, a rejected copy and report per failure.</summary>
    private static async Task<Dictionary<string, object?>> CheckAsync(
        string connection, Names names, List<Item> items, List<Parsed> results, QueueClient requests, QueueClient poison)
    {
        var problems = new List<string>();
        var byId = results.GroupBy(r => r.CorrelationId ?? "(none)").ToDictionary(g => g.Key, g => g.ToList());
        var duplicates = byId.Where(g => g.Value.Count > 1).Select(g => g.Key).ToList();
        var missing = items.Where(i => !byId.ContainsKey(i.CorrelationId)).Select(i => i.CorrelationId).ToList();
        var unknown = byId.Keys.Where(k => items.All(i => i.CorrelationId != k)).ToList();
        if (duplicates.Count > 0) problems.Add($"{duplicates.Count} messages produced more than one result: {string.Join(", ", duplicates.Take(5))}");
        if (missing.Count > 0) problems.Add($"{missing.Count} messages produced no result: {string.Join(", ", missing.Take(5))}");
        if (unknown.Count > 0) problems.Add($"{unknown.Count} results with an unknown correlationId: {string.Join(", ", unknown.Take(5))}");

        var answered = items.Where(i => byId.ContainsKey(i.CorrelationId)).Select(i => (Item: i, Result: byId[i.CorrelationId][0])).ToList();
        var wrong = answered.Where(p => p.Result.Verdict != p.Item.Expected).ToList();
        foreach (var (item, result) in wrong.Take(5)) problems.Add($"{item.Path}: verdict {result.Verdict ?? "?"}, manifest says {item.Expected}");
        if (wrong.Count > 5) problems.Add($"... {wrong.Count} verdicts differ from the manifest in all");

        // Staging is content-addressed: every passing content has one name (its SHA-256), staged once.
        var passed = answered.Where(p => p.Result.Verdict == "pass").ToList();
        foreach (var (item, result) in passed.Where(p => p.Result.StagedName is null || !p.Result.StagedName.StartsWith(p.Item.Sha256, StringComparison.Ordinal)).Take(5))
            problems.Add($"{item.BlobName}: staged as '{result.StagedName}', expected a name starting with its SHA-256 {item.Sha256}");
        var namesPerContent = passed.GroupBy(p => p.Item.Sha256).Where(g => g.Select(p => p.Result.StagedName).Distinct().Count() > 1).ToList();
        if (namesPerContent.Count > 0) problems.Add($"{namesPerContent.Count} contents were staged under more than one name");
        var expectedStaged = passed.Select(p => p.Result.StagedName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var blobs = new BlobServiceClient(connection);
        var staged = await ListAsync(blobs.GetBlobContainerClient(names.Staged));
        var extraStaged = staged.Except(expectedStaged).ToList();
        var missingStaged = expectedStaged.Except(staged).ToList();
        if (extraStaged.Count > 0) problems.Add($"staged container holds {extraStaged.Count} blobs no result names: {string.Join(", ", extraStaged.Take(5))}");
        if (missingStaged.Count > 0) problems.Add($"{missingStaged.Count} staged names from results are not in the staged container");
        var created = passed.Count(p => p.Result.AlreadyExisted == false);
        if (created != expectedStaged.Count) problems.Add($"{created} results say they created a staged blob, but there are {expectedStaged.Count} distinct staged names");

        var failed = answered.Where(p => p.Result.Verdict == "fail").ToList();
        var rejected = await ListAsync(blobs.GetBlobContainerClient(names.Rejected));
        var expectedRejected = failed.SelectMany(p => new[] { $"{names.Uploads}/{p.Item.BlobName}", $"{names.Uploads}/{p.Item.BlobName}.preflight.json" }).ToHashSet(StringComparer.Ordinal);
        var missingRejected = expectedRejected.Except(rejected).ToList();
        var extraRejected = rejected.Except(expectedRejected).ToList();
        if (missingRejected.Count > 0) problems.Add($"{missingRejected.Count} rejected copies/reports missing: {string.Join(", ", missingRejected.Take(5))}");
        if (extraRejected.Count > 0) problems.Add($"rejected container holds {extraRejected.Count} unexpected blobs: {string.Join(", ", extraRejected.Take(5))}");
        var noReport = failed.Count(p => p.Result.ReportBlob is null);
        if (noReport > 0) problems.Add($"{noReport} failing results have no reportBlob");

        var left = (await requests.GetPropertiesAsync()).Value.ApproximateMessagesCount;
        if (left > 0) problems.Add($"{left} requests still in the request queue");
        var poisoned = await poison.ExistsAsync() ? (await poison.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
        if (poisoned > 0) problems.Add($"{poisoned} requests went to the poison queue");

        return new Dictionary<string, object?>
        {
            ["passed"] = passed.Count,
            ["failed"] = failed.Count,
            ["verdictsMatchManifest"] = wrong.Count == 0 && missing.Count == 0,
            ["duplicateResults"] = duplicates.Count,
            ["missingResults"] = missing.Count,
            ["distinctPassingContents"] = passed.Select(p => p.Item.Sha256).Distinct().Count(),
            ["stagedBlobs"] = staged.Count,
            ["stagedCreatedByResults"] = created,
            ["rejectedBlobs"] = rejected.Count,
            ["poisoned"] = poisoned,
            ["problems"] = problems,
        };
    }

    private static async Task<HashSet<string>> ListAsync(BlobContainerClient container)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (!await container.ExistsAsync()) return names;
        await foreach (var blob in container.GetBlobsAsync()) names.Add(blob.Name);
        return names;
    }
}
