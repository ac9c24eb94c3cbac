using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

public sealed class JobCommandTests : IDisposable
{
    private readonly TempDir _temp = new();

    private string JobFile(object job) => _temp.Write("job.json", JsonSerializer.SerializeToUtf8Bytes(job));

    private static object Generate(string plan, int width, int height, object? voice = null) => new
    {
        endpoint = "video/generate",
        plan,
        request = new
        {
            dimension = new { width, height },
            video_inputs = new[] { new { character = new { type = "avatar", avatar_id = "a" }, voice = voice ?? new { type = "text", input_text = "Hello there." } } },
        },
    };

    [Fact]
    public async Task Job_MistypedField_NamesTheFieldsTypeAsTheServiceDoes()
    {
        // Same wording as the HTTP 400 (PreflightJson.Explain): the field's type, not the whole request's.
        var path = _temp.Write("bad.json", "{\"endpoint\": 5}"u8.ToArray());

        var result = await CliRunner.RunAsync("job", path);

        Assert.Equal(ExitCodes.UsageOrSetup, result.ExitCode);
        Assert.Contains("could not be converted to System.String. Path: $.endpoint", Assert.Single(result.ErrorLines));
    }

    [Fact]
    public async Task Job_FailsOnFree_ExitsOneAndNamesMinimumPlan()
    {
        var result = await CliRunner.RunAsync("job", JobFile(Generate("free", 1920, 1080)));

        Assert.Equal(ExitCodes.Fail, result.ExitCode);
        Assert.Contains("job.resolution_exceeds_plan", result.Out);
        Assert.Contains("minimum plan: pro", result.Out);
    }

    [Fact]
    public async Task Job_PassingJob_ExitsZero()
    {
        var result = await CliRunner.RunAsync("job", JobFile(Generate("pro", 1920, 1080)));
        Assert.Equal(ExitCodes.Pass, result.ExitCode);
        Assert.Contains("video/generate: PASS", result.Out);
    }

    [Fact]
    public async Task Job_JsonFormat_HasReportShape()
    {
        var result = await CliRunner.RunAsync("job", JobFile(Generate("free", 1920, 1080)), "--format", "json");

        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        Assert.Equal("fail", root.GetProperty("verdict").GetString());
        Assert.Equal("video/generate", root.GetProperty("endpoint").GetString());
        Assert.Equal("free", root.GetProperty("plan").GetString());
        Assert.Equal("pro", root.GetProperty("minimumPlan").GetString());
        Assert.True(root.GetProperty("estimate").GetProperty("durationIsEstimate").GetBoolean());
        Assert.Equal("/dimension", root.GetProperty("findings")[0].GetProperty("path").GetString());
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("[1, 2]")]
    [InlineData("""{"endpoint":"video/generate","plan":"gold","request":{}}""")]
    public async Task Job_BadJobFile_ExitsTwoWithOneLine(string content)
    {
        var path = _temp.Write("bad.json", System.Text.Encoding.UTF8.GetBytes(content));
        var result = await CliRunner.RunAsync("job", path);

        Assert.Equal(ExitCodes.UsageOrSetup, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.StartsWith("preflight: ", result.Error);
    }

    [Fact]
    public async Task Job_NoFile_IsAUsageError()
    {
        var result = await CliRunner.RunAsync("job");
        Assert.Equal(ExitCodes.UsageOrSetup, result.ExitCode);
        Assert.Contains("preflight job --help", result.Error);
    }

    [Fact]
    public async Task Job_AudioUrlOnLoopback_InspectedWhenPrivateNetworksAllowed()
    {
        var mp3 = await File.ReadAllBytesAsync(RepoPaths.TestFile("valid", "audio-64kbps-mono.mp3"));
        await using var server = await LoopbackHttpServer.StartAsync(r => r.MapGet("/voice.mp3", LoopbackResponses.Bytes(mp3, "audio/mpeg")));
        var job = JobFile(Generate("pro", 1280, 720, new { type = "audio", audio_url = server.Url("/voice.mp3").ToString() }));

        var allowed = await CliRunner.RunAsync("job", job, "--format", "json", "--allow-private-networks");
        using (var json = JsonDocument.Parse(allowed.Out))
        {
            Assert.Equal(ExitCodes.Pass, allowed.ExitCode);
            var asset = Assert.Single(json.RootElement.GetProperty("assets").EnumerateArray());
            Assert.Equal("/video_inputs/0/voice/audio_url", asset.GetProperty("path").GetString());
            Assert.Equal("mp3", asset.GetProperty("detected").GetProperty("format").GetString());
            var seconds = asset.GetProperty("media").GetProperty("durationSeconds").GetDouble();
            Assert.Equal(seconds, json.RootElement.GetProperty("estimate").GetProperty("durationSeconds").GetDouble(), 3);
            Assert.False(json.RootElement.GetProperty("estimate").GetProperty("durationIsEstimate").GetBoolean());
        }

        var before = server.ConnectionCount;
        var blocked = await CliRunner.RunAsync("job", job, "--format", "json");
        Assert.Equal(ExitCodes.Fail, blocked.ExitCode);
        Assert.Contains("job.asset_failed", blocked.Out);
        Assert.Contains("url.blocked", blocked.Out);
        Assert.Equal(before, server.ConnectionCount);
    }

    public void Dispose() => _temp.Dispose();
}
