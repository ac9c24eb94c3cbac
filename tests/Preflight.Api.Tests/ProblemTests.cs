using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Preflight.Core.Probing;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.TestSupport;

namespace Preflight.Api.Tests;

/// <summary>Every request-level error is an RFC 7807 problem with a clear detail, never a bare 500.</summary>
public sealed class ProblemTests
{
    private const string Files = "/v1/preflight/files";
    private const string FixFiles = "/v1/fix/files";
    private const string FixUrls = "/v1/fix/urls";

    /// <summary>A body each fix endpoint answers 200 to; the URL is never fetched (private addresses are refused).</summary>
    private static HttpContent FixBody(string path) => path == FixFiles
        ? TestMedia.Multipart(("a.wav", TestMedia.Wav()))
        : JsonContent.Create(new { assets = new[] { new { url = "http://127.0.0.1:9/a.wav" } } });

    [Theory]
    [InlineData("?plan=platinum", "Unknown plan")]
    [InlineData("?deep=maybe", "'deep' must be true or false")]
    public async Task PostFiles_BadQuery_Answers400(string query, string detail)
    {
        using var factory = new PreflightApiFactory();
        using var response = await factory.CreateClient().PostAsync(Files + query, TestMedia.Multipart(("a.wav", TestMedia.Wav())));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, detail);
    }

    [Fact]
    public async Task PostFiles_NoFilePart_Answers400()
    {
        using var factory = new PreflightApiFactory();
        var content = new MultipartFormDataContent { { new StringContent("x"), "comment" } };

        using var response = await factory.CreateClient().PostAsync(Files, content);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "no multipart part named 'file'");
    }

    [Fact]
    public async Task PostFiles_MultipartCutBeforeClosingBoundary_Answers400()
    {
        using var factory = new PreflightApiFactory();
        var body = new ByteArrayContent(Encoding.ASCII.GetBytes(
            "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF and then nothing"));
        body.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=b");

        using var response = await factory.CreateClient().PostAsync(Files, body);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "multipart body");
        Assert.Empty(factory.FilesLeftInUploadFolder());
    }

    [Fact]
    public async Task PostFiles_NotMultipart_Answers415()
    {
        using var factory = new PreflightApiFactory();
        using var response = await factory.CreateClient().PostAsync(Files, new ByteArrayContent(TestMedia.Wav()));

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "multipart/form-data");
    }

    [Theory]
    [InlineData(Files)]
    [InlineData(FixFiles)]
    public async Task PostFiles_DeclaredLengthOverAppLimit_Answers413(string path)
    {
        using var factory = new PreflightApiFactory(("Preflight:Upload:MaxBodyBytes", "10000"));
        using var response = await factory.CreateClient().PostAsync(path, TestMedia.Multipart(("a.wav", new byte[20_000])));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "limit of 10000 bytes");
        Assert.Empty(factory.FilesLeftInUploadFolder());
    }

    [Theory]
    [InlineData(Files)]
    [InlineData(FixFiles)]
    public async Task PostFiles_UndeclaredLengthOverAppLimit_IsCountedAndAnswers413(string path)
    {
        // The in-memory server enforces no body limit: this is the app's own byte counter at work.
        using var factory = new PreflightApiFactory(("Preflight:Upload:MaxBodyBytes", "10000"));
        var multipart = TestMedia.Multipart(("a.wav", new byte[20_000]));
        var streamed = new StreamContent(await multipart.ReadAsStreamAsync());
        streamed.Headers.ContentType = multipart.Headers.ContentType;
        streamed.Headers.ContentLength = null;

        using var response = await factory.CreateClient().PostAsync(path, streamed);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "limit of 10000 bytes");
        Assert.Empty(factory.FilesLeftInUploadFolder());
    }

    [Fact]
    public async Task Post_ApiKeysConfigured_MissingOrWrongKeyAnswers401AndRightKeyPasses()
    {
        using var factory = new PreflightApiFactory(("Preflight:ApiKeys:0", "first-secret-key"), ("Preflight:ApiKeys:1", "second-secret-key"));
        var client = factory.CreateClient();

        using var missing = await client.GetAsync("/v1/profiles");
        using var wrong = await Send(client, "/v1/profiles", "first-secret-kez");
        using var right = await Send(client, "/v1/profiles", "second-secret-key");
        using var upload = await Send(client, Files, "first-secret-key", TestMedia.Multipart(("a.wav", TestMedia.Wav())));
        using var health = await client.GetAsync("/healthz");

        await AssertProblemAsync(missing, HttpStatusCode.Unauthorized, "requires an API key");
        Assert.NotEmpty(missing.Headers.WwwAuthenticate);
        await AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "not valid");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, upload.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.DoesNotContain(factory.Logs.Lines, line => line.Contains("secret-ke", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_OverRateLimit_Answers429WithRetryAfter()
    {
        using var factory = new PreflightApiFactory(("Preflight:RateLimit:PermitLimit", "2"), ("Preflight:RateLimit:Window", "01:00:00"));
        var client = factory.CreateClient();

        using var first = await client.GetAsync("/v1/profiles");
        using var second = await client.GetAsync("/v1/profiles");
        using var third = await client.GetAsync("/v1/profiles");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await AssertProblemAsync(third, HttpStatusCode.TooManyRequests, "2 requests per");
        var retryAfter = Assert.Single(third.Headers.GetValues("Retry-After"));
        Assert.InRange(int.Parse(retryAfter), 1, 3600);
    }

    [Theory]
    [InlineData(FixFiles)]
    [InlineData(FixUrls)]
    public async Task PostFix_ApiKeysConfigured_MissingOrWrongKeyAnswers401AndRightKeyPasses(string path)
    {
        using var factory = new PreflightApiFactory(("Preflight:ApiKeys:0", "fix-secret-key"));
        var client = factory.CreateClient();

        using var missing = await client.PostAsync(path, FixBody(path));
        using var wrong = await Send(client, path, "fix-secret-kez", FixBody(path));
        using var right = await Send(client, path, "fix-secret-key", FixBody(path));

        await AssertProblemAsync(missing, HttpStatusCode.Unauthorized, "requires an API key");
        await AssertProblemAsync(wrong, HttpStatusCode.Unauthorized, "not valid");
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.NotNull((await right.Content.ReadFromJsonAsync<JsonObject>())!["fixes"]);
    }

    [Theory]
    [InlineData(FixFiles)]
    [InlineData(FixUrls)]
    public async Task PostFix_OverRateLimit_Answers429WithRetryAfter(string path)
    {
        using var factory = new PreflightApiFactory(("Preflight:RateLimit:PermitLimit", "1"), ("Preflight:RateLimit:Window", "01:00:00"));
        var client = factory.CreateClient();

        using var first = await client.PostAsync(path, FixBody(path));
        using var second = await client.PostAsync(path, FixBody(path));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertProblemAsync(second, HttpStatusCode.TooManyRequests, "1 requests per");
        Assert.InRange(int.Parse(Assert.Single(second.Headers.GetValues("Retry-After"))), 1, 3600);
    }

    [Fact]
    public async Task PostFixUrls_JsonBodyOverLimit_Answers413()
    {
        using var factory = new PreflightApiFactory();
        var body = JsonContent.Create(new { assets = new[] { new { url = "https://example.com/" + new string('a', 1_100_000) } } });

        using var response = await factory.CreateClient().PostAsync(FixUrls, body);

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "limit of 1048576 bytes");
    }

    [Fact]
    public async Task Get_RateLimit_IsPerApiKey()
    {
        using var factory = new PreflightApiFactory(("Preflight:ApiKeys:0", "key-a"), ("Preflight:ApiKeys:1", "key-b"),
            ("Preflight:RateLimit:PermitLimit", "1"), ("Preflight:RateLimit:Window", "01:00:00"));
        var client = factory.CreateClient();

        using var a1 = await Send(client, "/v1/profiles", "key-a");
        using var a2 = await Send(client, "/v1/profiles", "key-a");
        using var b1 = await Send(client, "/v1/profiles", "key-b");

        Assert.Equal(HttpStatusCode.OK, a1.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, a2.StatusCode);
        Assert.Equal(HttpStatusCode.OK, b1.StatusCode);
    }

    [Fact]
    public async Task PostFiles_QueueFull_Answers503AndAdmittedRequestStillCompletes()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var factory = new PreflightApiFactory(("Preflight:Inspection:MaxConcurrent", "1"), ("Preflight:Inspection:MaxQueue", "0"))
        {
            Inspect = async (request, options, ct) =>
            {
                entered.TrySetResult();
                await release.Task.WaitAsync(ct);
                return new Core.Reports.FileReport { Path = request.DisplayPath, Kind = Core.Reports.AssetKind.Audio, Verdict = Core.Reports.Verdict.Pass };
            },
        };
        var client = factory.CreateClient();

        var busy = client.PostAsync(Files, TestMedia.Multipart(("a.wav", TestMedia.Wav())));
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        using var refused = await client.PostAsync(Files, TestMedia.Multipart(("b.wav", TestMedia.Wav())));
        release.SetResult();
        using var admitted = await busy;

        await AssertProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "already handling 1");
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
    }

    [Fact]
    public async Task PostFiles_EngineThrows_FailRowWithProbeFailedWithoutInternalsAndOtherFilesChecked()
    {
        // Issue 9: an engine exception is one failing row (probe.failed), never a 500 for the other files of the batch.
        // The internals stay out of the answer (they are logged), as they did in the 500 problem before.
        using var factory = new PreflightApiFactory
        {
            Inspect = (request, _, _) => request.DisplayPath == "a.wav"
                ? throw new InvalidOperationException("internal-detail at /srv/secret/path")
                : Task.FromResult(new FileReport { Path = request.DisplayPath, Kind = AssetKind.Audio, Verdict = Verdict.Pass }),
        };

        using var response = await factory.CreateClient().PostAsync(Files, TestMedia.Multipart(("a.wav", TestMedia.Wav()), ("b.wav", TestMedia.Wav())));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("internal-detail", body, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", body, StringComparison.Ordinal);
        var files = JsonNode.Parse(body)!["files"]!.AsArray();
        Assert.Equal("fail", (string?)files[0]!["verdict"]);
        Assert.Equal("audio", (string?)files[0]!["kind"]);
        Assert.Equal(FindingCodes.ProbeFailed, (string?)files[0]!["findings"]![0]!["code"]);
        Assert.Contains("internal error", (string?)files[0]!["findings"]![0]!["message"], StringComparison.Ordinal);
        Assert.Equal("pass", (string?)files[1]!["verdict"]);
        Assert.Contains(factory.Logs.Lines, l => l.Contains("internal-detail", StringComparison.Ordinal));
        Assert.Empty(factory.FilesLeftInUploadFolder());
    }

    [Fact]
    public async Task PostFiles_FfprobeMissing_Answers503Problem()
    {
        using var factory = new PreflightApiFactory
        {
            Inspect = (_, _, _) => throw new MissingToolException("ffprobe", "Install it with: apt-get install ffmpeg"),
        };

        using var response = await factory.CreateClient().PostAsync(Files, TestMedia.Multipart(("a.mp4", new byte[100])));

        var problem = await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "apt-get install ffmpeg");
        Assert.Equal("ffprobe is not installed", (string?)problem["title"]);
    }

    [Fact]
    public async Task PostFiles_SlowerThanRequestTimeout_Answers504Problem()
    {
        using var factory = new PreflightApiFactory(("Preflight:Inspection:RequestTimeout", "00:00:01"))
        {
            Inspect = async (request, _, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                throw new InvalidOperationException("unreachable");
            },
        };

        using var response = await factory.CreateClient().PostAsync(Files, TestMedia.Multipart(("a.wav", TestMedia.Wav())));

        await AssertProblemAsync(response, HttpStatusCode.GatewayTimeout, "per-request timeout");
        Assert.True(await Polling.Eventually(() => factory.FilesLeftInUploadFolder().Count == 0));
    }

    [Fact]
    public async Task Get_UnknownRoute_Answers404Problem()
    {
        using var factory = new PreflightApiFactory();
        using var response = await factory.CreateClient().GetAsync("/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string path, string key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(content is null ? HttpMethod.Get : HttpMethod.Post, path) { Content = content };
        request.Headers.Add("X-Api-Key", key);
        return client.SendAsync(request);
    }

    internal static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detailPart)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal((int)status, (int)problem["status"]!);
        Assert.Contains(detailPart, (string?)problem["detail"] ?? "", StringComparison.Ordinal);
        return problem;
    }
}
