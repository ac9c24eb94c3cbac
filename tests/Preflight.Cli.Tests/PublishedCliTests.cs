using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

/// <summary>
/// The CLI users run (<c>./preflight</c>: the Native AOT executable of <c>scripts/lib.sh: publish_cli</c>) answers exactly
/// like the JIT build every other test runs: the same exit codes, reports, findings and HTTP answers, apart from timings.
/// Each case runs both builds side by side.
/// </summary>
public sealed class PublishedCliTests : IDisposable
{
    private const string AcmeProfile = """
        { "extends": "heygen", "name": "acme", "title": "HeyGen with Acme's limits",
          "kinds": { "image": { "maxBytes": { "value": 2000, "source": "Acme contract, annex 2" } } } }
        """;

    private readonly TempDir _temp = new();

    public PublishedCliTests()
    {
        _temp.Write("acme.json", Encoding.UTF8.GetBytes(AcmeProfile));
        _temp.Write("bad-profile.json", """{"name": "ours", "extends": "heygen", "kinds": {"image": {"maxBytes": {"value": "big"}}}}"""u8.ToArray());
    }

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Signals => ["INT", "TERM"];

    [Theory]
    [MemberData(nameof(Signals))]
    public async Task Watch_Signal_StopsCleanlyWith130InBothBuilds(string signal)
    {
        foreach (var build in new[] { CliBuild.Jit, CliBuild.Published })
        {
            using var folder = new TempDir();
            using var running = build.Start(folder.Path, null, "check", "--watch", folder.Path, "--no-cache", "--format", "json");
            Assert.True(await running.WaitForOutputAsync("watching", TimeSpan.FromSeconds(60)), $"{build}: {running.Output}");

            var ignoresInterrupt = running.IgnoresSignal(2);
            running.Signal(signal);
            if (signal == "INT" && ignoresInterrupt)
            {
                // Started from a background job or nohup, SIGINT is ignored on entry and stays ignored, as for any
                // POSIX tool: the watcher keeps running; SIGTERM still stops it cleanly.
                Assert.Null(await running.ExitCodeAsync(TimeSpan.FromSeconds(2)));
                running.Signal("TERM");
            }
            var code = await running.ExitCodeAsync(TimeSpan.FromSeconds(30));

            Assert.True(code == 130, $"{build} after SIG{signal}: exit {code?.ToString() ?? "none (still running)"}; {running.Output}");
        }
    }

    [Fact]
    public async Task Check_QuickJsonOverTheWholeCorpus_SameReport()
    {
        var (jit, published) = await Parity.BothAsync(_temp.Path, "check", RepoPaths.TestData, "--format", "json", "--no-cache");

        Parity.AssertSame(jit, published, Normalise.Json);
        Assert.True(JsonNode.Parse(jit.Stdout)!["files"]!.AsArray().Count > 50, "the corpus report is too small to compare: " + jit.Stdout[..Math.Min(200, jit.Stdout.Length)]);
    }

    [Fact]
    public async Task Check_DeepJsonOverValidMislabeledCorruptHostile_SameReport()
    {
        var (jit, published) = await Parity.BothAsync(RepoPaths.TestData,
            "check", "valid", "mislabeled", "corrupt", "hostile", "--deep", "--format", "json", "--no-cache");

        Parity.AssertSame(jit, published, Normalise.Json);
        Assert.Equal(1, jit.Code);
    }

    [Fact]
    public async Task Check_TableFormat_SameText()
    {
        var (jit, published) = await Parity.BothAsync(RepoPaths.TestData,
            "check", "valid", "mislabeled", "corrupt", "--format", "table", "--no-cache");

        Parity.AssertSame(jit, published, Normalise.Text);
        Assert.Contains("png-named.jpg", jit.Stdout);
        Assert.Matches(@"files: \d+ passed, \d+ failed in T\n", Normalise.Text(jit.Stdout));
    }

    [Fact]
    public async Task Check_UserProfileFileAndPlan_SameReport()
    {
        var (jit, published) = await Parity.BothAsync(_temp.Path,
            "check", RepoPaths.TestFile("valid"), "--profile", "acme.json", "--plan", "free", "--format", "json", "--no-cache");

        Parity.AssertSame(jit, published, Normalise.Json);
        Assert.Equal("acme", (string?)JsonNode.Parse(jit.Stdout)!["profile"]);
        Assert.Contains("file.too_large", jit.Stdout);
    }

    [Fact]
    public async Task Check_CacheFolder_SecondRunIsCachedAndOtherwiseIdentical()
    {
        var input = RepoPaths.TestFile("mislabeled");
        string[] Args(string cache) => ["check", input, "--format", "json", "--cache", cache];
        var jitCache = _temp.File("cache-jit");
        var publishedCache = _temp.File("cache-published");

        var first = await Parity.BothAsync(_temp.Path, Args(jitCache), Args(publishedCache));
        var second = await Parity.BothAsync(_temp.Path, Args(jitCache), Args(publishedCache));

        Parity.AssertSame(first.Jit, first.Published, Normalise.Json);
        Parity.AssertSame(second.Jit, second.Published, Normalise.Json);
        foreach (var (run, cached) in new[] { (first.Published, false), (second.Published, true) })
        {
            foreach (var file in JsonNode.Parse(run.Stdout)!["files"]!.AsArray())
                Assert.True(cached == ((bool?)file!["cached"] ?? false), $"{CliBuild.Published}: cached should be {cached}: {file.ToJsonString()}");
        }
    }

    [Fact]
    public async Task Fix_FailingFiles_SameStatusesAndEveryOutputPasses()
    {
        foreach (var file in new[] { "mislabeled/png-named.jpg", "mislabeled/mov-named.mp4", "mislabeled/wav-named.mp3", "corrupt/png-no-iend.png", "valid/image-320x180.jpg",
            // Read by ffprobe (not in process): the probe path of the AOT binary.
            "unsupported/video.webm" })
        {
            var target = _temp.File(Path.Combine("in", file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(RepoPaths.TestFile(file.Split('/')), target);
        }

        var (jit, published) = await Parity.BothAsync(_temp.Path,
            ["fix", "in", "--out", "out-jit", "--format", "json"], ["fix", "in", "--out", "out-published", "--format", "json"]);

        Parity.AssertSame(jit, published, Normalise.Json);
        var statuses = JsonNode.Parse(published.Stdout)!["files"]!.AsArray().Select(f => (string?)f!["fix"]!["status"]).ToList();
        Assert.Contains("fixed", statuses);
        Assert.Equal(
            Directory.GetFiles(_temp.File("out-jit"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_temp.File("out-jit"), f)).Order(),
            Directory.GetFiles(_temp.File("out-published"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_temp.File("out-published"), f)).Order());
        var recheck = await CliBuild.Published.RunAsync(_temp.Path, "check", "out-published", "--format", "json", "--no-cache");
        Assert.True(recheck.Code == 0, $"{CliBuild.Published}: fixed outputs do not all pass (exit {recheck.Code}): {recheck.Stdout}{recheck.Stderr}");
        Assert.Equal(statuses.Count(s => s == "fixed"), JsonNode.Parse(recheck.Stdout)!["files"]!.AsArray().Count);
    }

    /// <summary>
    /// Every image format the converter reads, through ImageSharp in both builds: reflection that Native AOT did not
    /// compile in fails only in the published binary (TIFF's ExifDataType[] did, as "not_fixable").
    /// </summary>
    [Fact]
    public async Task Fix_EveryImageFormatTheConverterReads_FixedAlikeInBothBuilds()
    {
        const string picture = "-f lavfi -i testsrc=size=64x48 -frames:v 1";
        foreach (var (name, encoder) in new[] { ("x.tiff", ""), ("x.webp", "-c:v libwebp"), ("x.gif", ""), ("x.bmp", ""),
                     ("x.tga", "-c:v targa -f image2"), ("x.ppm", "-c:v ppm -f image2") })
            TestMedia.Ffmpeg(_temp.File(Path.Combine("images", name)), $"{picture} {encoder}");

        var (jit, published) = await Parity.BothAsync(_temp.Path,
            ["fix", "images", "--out", "images-jit", "--format", "json"], ["fix", "images", "--out", "images-published", "--format", "json"]);

        Parity.AssertSame(jit, published, Normalise.Json);
        var files = JsonNode.Parse(published.Stdout)!["files"]!.AsArray();
        Assert.Equal(6, files.Count);
        Assert.All(files, f => Assert.True((string?)f!["fix"]!["status"] == "fixed", f.ToJsonString()));
    }

    [Fact]
    public async Task Job_WithAnAssetUrl_SameAnswerInJsonAndTable()
    {
        var png = await File.ReadAllBytesAsync(RepoPaths.TestFile("valid", "image-160x90.png"));
        await using var server = await LoopbackHttpServer.StartAsync(routes => routes.MapGet("/bg.png", LoopbackResponses.Bytes(png, "image/png")));
        var job = new JsonObject
        {
            ["endpoint"] = "video/generate",
            ["plan"] = "free",
            ["creditsRemaining"] = 1,
            ["request"] = new JsonObject
            {
                ["dimension"] = new JsonObject { ["width"] = 1920, ["height"] = 1080 },
                ["video_inputs"] = new JsonArray(new JsonObject
                {
                    ["character"] = new JsonObject { ["type"] = "avatar", ["avatar_id"] = "a" },
                    ["voice"] = new JsonObject { ["type"] = "text", ["input_text"] = "Hello there, this is a test." },
                    ["background"] = new JsonObject { ["type"] = "image", ["url"] = server.Url("/bg.png").ToString() },
                }),
            },
        };
        _temp.Write("job.json", Encoding.UTF8.GetBytes(job.ToJsonString()));
        const string loopback = "--Preflight:Fetch:AllowPrivateNetworks=true";

        var json = await Parity.BothAsync(_temp.Path, "job", "job.json", "--format", "json", loopback);
        var table = await Parity.BothAsync(_temp.Path, "job", "job.json", loopback);
        var bad = await Parity.BothAsync(_temp.Path, "job", "bad-profile.json");

        Parity.AssertSame(json.Jit, json.Published, Normalise.Json);
        Parity.AssertSame(table.Jit, table.Published, Normalise.Text);
        Parity.AssertSame(bad.Jit, bad.Published, s => s);
        Assert.Equal("pass", (string?)JsonNode.Parse(json.Jit.Stdout)!["assets"]![0]!["verdict"]);
        Assert.Contains("job.resolution_exceeds_plan", table.Jit.Stdout);
    }

    /// <summary>Commands whose whole output is deterministic: compared byte for byte.</summary>
    [Theory]
    [InlineData("profiles", "list")]
    [InlineData("profiles", "list", "--format", "json")]
    [InlineData("profiles", "show", "tavus")]
    [InlineData("profiles", "show", "heygen", "--format", "json")]
    [InlineData("profiles", "show", "acme.json", "--format", "json")]
    [InlineData("profiles", "validate", "acme.json")]
    [InlineData("profiles", "validate", "bad-profile.json")]
    [InlineData("profiles", "frobnicate")]
    [InlineData("--version")]
    [InlineData("--help")]
    [InlineData("check", "--help")]
    [InlineData("check", "--plan", "gold", "x")]
    [InlineData("check", "no-such-file")]
    [InlineData("serve", "--help")]
    [InlineData("worker", "--Preflight:Worker:Concurrency=-1")]
    public async Task DeterministicCommand_SameCodeAndOutput(params string[] args)
    {
        var (jit, published) = await Parity.BothAsync(_temp.Path, args);

        Parity.AssertSame(jit, published, s => s);
    }

    [Fact]
    public async Task Serve_HealthUploadProfilesOpenApiAndMalformedRequests_SameAnswers()
    {
        var png = await File.ReadAllBytesAsync(RepoPaths.TestFile("valid", "image-160x90.png"));
        var mislabeled = await File.ReadAllBytesAsync(RepoPaths.TestFile("mislabeled", "png-named.jpg"));
        var requests = new (string Name, Func<HttpRequestMessage> Request)[]
        {
            ("GET /healthz", () => new HttpRequestMessage(HttpMethod.Get, "/healthz")),
            ("POST /v1/preflight/files (one passing file)", () => new HttpRequestMessage(HttpMethod.Post, "/v1/preflight/files") { Content = ServeApp.Multipart(("poster.png", png)) }),
            ("POST /v1/preflight/files?plan=free (one failing file)", () => new HttpRequestMessage(HttpMethod.Post, "/v1/preflight/files?plan=free") { Content = ServeApp.Multipart(("photo.jpg", mislabeled)) }),
            ("POST /v1/preflight/urls (malformed JSON)", () => new HttpRequestMessage(HttpMethod.Post, "/v1/preflight/urls") { Content = new StringContent("{ not json", Encoding.UTF8, "application/json") }),
            ("POST /v1/preflight/files (wrong content type)", () => new HttpRequestMessage(HttpMethod.Post, "/v1/preflight/files") { Content = new StringContent("hello", Encoding.UTF8, "text/plain") }),
            ("POST /v1/preflight/files?plan=gold (bad plan)", () => new HttpRequestMessage(HttpMethod.Post, "/v1/preflight/files?plan=gold") { Content = ServeApp.Multipart(("poster.png", png)) }),
            ("GET /v1/profiles", () => new HttpRequestMessage(HttpMethod.Get, "/v1/profiles")),
            ("GET /openapi/v1.json", () => new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json")),
        };

        var served = await Task.WhenAll(new[] { CliBuild.Jit, CliBuild.Published }.Select(b => ServeAndAskAsync(b, requests)));

        var (jit, published) = (served[0].Answers, served[1].Answers);
        var differences = requests.Select((r, i) => Parity.Difference(r.Name, jit[i], published[i])).OfType<string>().ToList();
        Assert.True(differences.Count == 0,
            $"{CliBuild.Published} serve answered {differences.Count} of {requests.Length} requests differently from {CliBuild.Jit}:\n"
            + string.Join("\n", differences) + $"\n--- {CliBuild.Published.Name} serve's log:\n{Parity.FirstError(served[1].Log)}");
        Assert.StartsWith("200", jit[1]);
    }

    /// <summary>
    /// Starts <c>serve</c> of <paramref name="build"/> on a free loopback port and sends every request; each answer is
    /// "STATUS content-type\nbody" (normalised). The log says why an answer was a 500.
    /// </summary>
    private async Task<(string[] Answers, string Log)> ServeAndAskAsync(CliBuild build, (string Name, Func<HttpRequestMessage> Request)[] requests)
    {
        var folder = _temp.File("serve-" + build.Name);
        // Port 0: the server takes a free port itself and says which; a port picked here could be taken before it binds.
        using var serve = build.Start(_temp.Path, null,
            "serve", "--urls=http://127.0.0.1:0", $"--Preflight:Upload:TempFolder={folder}/uploads", $"--Preflight:Staging:LocalPath={folder}/staged");
        var address = await Parity.ListeningAddressAsync(serve);
        var port = address.Port;
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        var answers = new string[requests.Length];
        for (var i = 0; i < requests.Length; i++)
        {
            using var request = requests[i].Request();
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var type = response.Content.Headers.ContentType?.MediaType;
            body = body.Replace(port.ToString(), "PORT", StringComparison.Ordinal).Replace(folder, "SERVE-FOLDER", StringComparison.Ordinal);
            answers[i] = $"{(int)response.StatusCode} {type}\n{(type?.EndsWith("json", StringComparison.Ordinal) == true ? Normalise.Json(body) : body)}";
        }
        return (answers, serve.Output);
    }
}

/// <summary><c>preflight worker</c> of both builds against the same Azurite, each on queues and containers of its own.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PublishedCliWorkerTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempDir _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Worker_PassingAndFailingUpload_SameResultMessagesAndRejectedReport()
    {
        var results = await Task.WhenAll(new[] { CliBuild.Jit, CliBuild.Published }.Select(RunWorkerAsync));

        var difference = Parity.Difference("worker results", results[0], results[1]);
        Assert.True(difference is null, $"{CliBuild.Published} worker differs from {CliBuild.Jit}:\n{difference}");
        Assert.Contains("\"verdict\": \"fail\"", results[0]);
        Assert.Contains("\"verdict\": \"pass\"", results[0]);
    }

    /// <summary>One passing and one failing upload through <paramref name="build"/>'s worker: both result messages and the rejected file's report, normalised.</summary>
    private async Task<string> RunWorkerAsync(CliBuild build)
    {
        var names = new Dictionary<string, string>
        {
            ["REQUESTS"] = AzuriteFixture.UniqueName("aot-req"),
            ["RESULTS"] = AzuriteFixture.UniqueName("aot-res"),
            ["STAGED"] = AzuriteFixture.UniqueName("aot-staged"),
            ["REJECTED"] = AzuriteFixture.UniqueName("aot-rejected"),
            ["CACHE"] = AzuriteFixture.UniqueName("aot-cache"),
            ["UPLOADS"] = AzuriteFixture.UniqueName("aot-uploads"),
        };
        var uploads = new BlobContainerClient(azurite.ConnectionString, names["UPLOADS"]);
        await uploads.CreateIfNotExistsAsync();
        var requests = new QueueClient(azurite.ConnectionString, names["REQUESTS"]);
        await requests.CreateIfNotExistsAsync();
        var sent = new List<string>();
        foreach (var (blobName, file) in new[] { ("poster.png", "valid/image-160x90.png"), ("photo.jpg", "mislabeled/png-named.jpg") })
        {
            var blob = uploads.GetBlobClient(blobName);
            await blob.UploadAsync(RepoPaths.TestFile(file.Split('/')));
            await requests.SendMessageAsync(new JsonObject { ["blobUrl"] = blob.Uri.ToString(), ["correlationId"] = blobName }.ToJsonString());
            sent.Add(blobName);
        }

        using var worker = build.Start(_temp.Path,
            new Dictionary<string, string?> { ["Preflight__Staging__ConnectionString"] = azurite.ConnectionString },
            "worker", $"--Preflight:Staging:Container={names["STAGED"]}", $"--Preflight:Worker:RequestQueue={names["REQUESTS"]}",
            $"--Preflight:Worker:ResultQueue={names["RESULTS"]}", $"--Preflight:Worker:RejectedContainer={names["REJECTED"]}",
            $"--Preflight:Cache:Container={names["CACHE"]}", "--Preflight:Worker:Concurrency=1", "--Preflight:Worker:PollInterval=00:00:00.200");
        var messages = new List<string>();
        var results = new QueueClient(azurite.ConnectionString, names["RESULTS"]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (messages.Count < sent.Count)
        {
            if (worker.HasExited || timeout.IsCancellationRequested)
                throw new Xunit.Sdk.XunitException($"{build} worker gave {messages.Count} of {sent.Count} results{(worker.HasExited ? " and exited" : " within 60 s")}; its output:\n{worker.Output}");
            if (await results.ExistsAsync())
            {
                foreach (var message in (await results.ReceiveMessagesAsync(10)).Value)
                {
                    messages.Add(Normalise.Json(message.MessageText));
                    await results.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                }
            }
            await Task.Delay(200);
        }

        var text = new StringBuilder();
        foreach (var result in messages.Order(StringComparer.Ordinal)) text.AppendLine(result);
        // The failing upload's copy in the rejected container carries its report.
        var rejected = new BlobContainerClient(azurite.ConnectionString, names["REJECTED"]);
        await foreach (var item in rejected.GetBlobsAsync())
        {
            text.AppendLine("rejected blob: " + item.Name);
            if (item.Name.EndsWith(".json", StringComparison.Ordinal))
                text.AppendLine(Normalise.Json((await rejected.GetBlobClient(item.Name).DownloadContentAsync()).Value.Content.ToString()));
        }
        var normalised = text.ToString();
        foreach (var (placeholder, name) in names) normalised = normalised.Replace(name, placeholder, StringComparison.Ordinal);
        return normalised;
    }
}

/// <summary>Runs one command with both builds at once and says precisely what differed.</summary>
internal static class Parity
{
    public static Task<(CliRun Jit, CliRun Published)> BothAsync(string workingDirectory, params string[] args) =>
        BothAsync(workingDirectory, args, args);

    public static async Task<(CliRun Jit, CliRun Published)> BothAsync(string workingDirectory, string[] jitArgs, string[] publishedArgs)
    {
        var published = CliBuild.Published; // published first (minutes, once per test run) so both then start together
        var jit = CliBuild.Jit.RunAsync(workingDirectory, jitArgs);
        var other = published.RunAsync(workingDirectory, publishedArgs);
        return (await jit, await other);
    }

    /// <summary>Same exit code, same standard error, same standard output once <paramref name="normalise"/> has removed timings.</summary>
    public static void AssertSame(CliRun jit, CliRun published, Func<string, string> normalise)
    {
        var differences = new[]
        {
            jit.Code == published.Code ? null : $"exit code: {CliBuild.Jit.Name} {jit.Code}, {CliBuild.Published.Name} {published.Code}",
            Difference("standard error", jit.Stderr, published.Stderr),
            Difference("standard output", Normalised(jit.Stdout, normalise), Normalised(published.Stdout, normalise)),
        }.OfType<string>().ToList();
        Assert.True(differences.Count == 0,
            $"{CliBuild.Published} differs from {CliBuild.Jit}:\n{string.Join("\n", differences)}\n--- {CliBuild.Published.Name} stderr:\n{Head(published.Stderr)}");
    }

    private static string Normalised(string output, Func<string, string> normalise)
    {
        try
        {
            return normalise(output);
        }
        catch (JsonException)
        {
            return output; // not JSON (e.g. a crash message): compared as it is
        }
    }

    /// <summary>Null when equal, else the first differing line of each with a little context.</summary>
    public static string? Difference(string what, string expected, string actual)
    {
        if (expected == actual) return null;
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var line = 0;
        while (line < a.Length && line < b.Length && a[line] == b[line]) line++;
        string Around(string[] lines) => string.Join("\n", lines.Skip(Math.Max(0, line - 3)).Take(8).Select(l => "    " + (l.Length > 300 ? l[..300] + "…" : l)));
        return $"{what} differs from line {line + 1} ({a.Length} vs {b.Length} lines):\n  {CliBuild.Jit.Name}:\n{Around(a)}\n  {CliBuild.Published.Name}:\n{Around(b)}";
    }

    private static string Head(string text) => text.Length > 2000 ? text[..2000] + "…" : text;

    /// <summary>A process log from its first error entry ("fail:"/"crit:"), else its end: why something was a 500.</summary>
    public static string FirstError(string log)
    {
        var first = new[] { log.IndexOf("fail:", StringComparison.Ordinal), log.IndexOf("crit:", StringComparison.Ordinal) }.Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        if (first < 0) return log.Length > 3000 ? "…" + log[^3000..] : log;
        return log.Length - first > 3000 ? log.Substring(first, 3000) + "…" : log[first..];
    }

    /// <summary>
    /// The address <c>serve</c> (started with port 0) says it listens on, once it does; fails with the process's output
    /// if it exits first or takes over 60 s.
    /// </summary>
    public static async Task<Uri> ListeningAddressAsync(RunningCli process)
    {
        const string Marker = "Now listening on: ";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var output = process.Output;
            var at = output.IndexOf(Marker, StringComparison.Ordinal);
            var end = at < 0 ? -1 : output.IndexOfAny(['\r', '\n'], at);
            if (end > 0) return new Uri(output[(at + Marker.Length)..end].Trim());
            if (process.HasExited || DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"{process.Build} never said where it listens; its output:\n{output}");
            await Task.Delay(100);
        }
    }
}
