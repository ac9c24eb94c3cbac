using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Preflight.Core.Reports;

namespace Preflight.Api.Tests;

/// <summary>Hostile job bodies over HTTP: each answers a 400 problem or a bounded 200 report, never a 500. No asset is fetched.</summary>
public sealed class JobReviewApiTests : IDisposable
{
    private const string Jobs = "/v1/preflight/jobs";

    private readonly PreflightApiFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private Task<HttpResponseMessage> PostAsync(string json) =>
        _factory.CreateClient().PostAsync(Jobs, new StringContent(json, Encoding.UTF8, "application/json"));

    [Theory]
    [InlineData("{\"endpoint\": \"streaming.task\", \"request\": {\"text\": \"\\ud800\"}}", "not valid Unicode")]
    [InlineData("{\"endpoint\": \"video/generate\", \"request\": {\"video_inputs\": [{\"character\": {\"type\": \"avatar\"}, \"voice\": {\"type\": \"text\", \"input_text\": \"a\\udc00\"}}]}}", "/video_inputs/0/voice/input_text")]
    [InlineData("{\"endpoint\": \"streaming.task\", \"creditsRemaining\": \"NaN\", \"request\": {\"text\": \"hi\", \"sessionMinutes\": 20}}", "finite")]
    [InlineData("{\"endpoint\": \"streaming.task\", \"creditsRemaining\": \"Infinity\", \"request\": {\"text\": \"hi\"}}", "finite")]
    [InlineData("{\"endpoint\": \"streaming.task\", \"creditsRemaining\": 1e400, \"request\": {\"text\": \"hi\"}}", "finite")]
    public async Task PostJobs_HostileValues_Answer400NotA500OrASilentPass(string json, string detail)
    {
        using var response = await PostAsync(json);

        await ProblemTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, detail);
    }

    [Fact]
    public async Task PostJobs_DeepNesting_Answers400()
    {
        var json = "{\"endpoint\": \"video/generate\", \"request\": {\"x\": " + new string('[', 10_000) + new string(']', 10_000) + "}}";

        using var response = await PostAsync(json);

        await ProblemTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "not valid JSON");
    }

    [Fact]
    public async Task PostJobs_MaximalBodyOfEmptyScenes_BoundedReport()
    {
        // ~330,000 "{}" scenes fill the 1 MB body limit; the answer listed two findings per scene (about 100 MB).
        var json = "{\"endpoint\": \"video/generate\", \"plan\": \"pro\", \"request\": {\"video_inputs\": ["
            + string.Join(",", Enumerable.Repeat("{}", 330_000)) + "]}}";

        using var response = await PostAsync(json);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, body[..Math.Min(500, body.Length)]);
        Assert.InRange(body.Length, 1, 100_000);
        var report = JsonNode.Parse(body)!;
        Assert.Equal("fail", (string?)report["verdict"]);
        var tooMany = Assert.Single(report["findings"]!.AsArray(), f => (string?)f!["code"] == FindingCodes.JobTooManyScenes)!;
        Assert.Equal("330000", (string?)tooMany["actual"]);
        Assert.Equal("50", (string?)tooMany["limit"]);
    }
}
