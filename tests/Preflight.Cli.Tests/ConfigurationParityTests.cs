using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Preflight.Core.Probing.Video;
using Preflight.TestSupport;
using Preflight.Worker;

namespace Preflight.Cli.Tests;

/// <summary>
/// One composition root: a configuration key means the same in every face (check, job, serve, worker), whether it
/// comes from an argument, the environment or appsettings.json.
/// </summary>
public sealed class ConfigurationParityTests : IDisposable
{
    private readonly TempDir _temp = new();

    [Fact]
    public async Task MediaToolsBinaryFolder_EmptyFolder_EveryFaceReportsTheSameMissingTool()
    {
        var noTools = Directory.CreateDirectory(_temp.File("no-tools")).FullName;
        var key = ("Preflight:MediaTools:BinaryFolder", noTools);

        // check: the engine it composes, and what a user sees (exit 2, one line naming the package).
        _temp.Write("in/tone.wav", TestMedia.Wav());
        var check = await CliRunner.RunAsync("check", _temp.File("in"), "--deep", $"--{key.Item1}={noTools}");
        Assert.Equal(ExitCodes.UsageOrSetup, check.ExitCode);
        Assert.Matches("^preflight: ff(probe|mpeg) is not installed or cannot run\\. .*apt-get install ffmpeg", Assert.Single(check.ErrorLines));
        await using var checkEngine = CliHost.Engine(CliHost.Configuration([$"--{key.Item1}={noTools}"]), CliContext.Create(TextWriter.Null, TextWriter.Null));
        var checkTools = checkEngine.GetRequiredService<MediaTools>().CheckAvailability();

        // serve: /healthz says degraded, with the same problem.
        await using var serve = await ServeApp.StartAsync(key);
        using var http = new HttpClient { BaseAddress = serve.Address };
        var health = (await http.GetFromJsonAsync<JsonObject>("/healthz"))!;

        // worker: the standalone worker's engine (it used to ignore Preflight:MediaTools and search PATH).
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production", ContentRootPath = _temp.Path });
        builder.Configuration.AddInMemoryCollection([new(key.Item1, noTools), new("Preflight:Worker:ConnectionString", AzuriteFixture.Build(1, 2))]);
        builder.Services.AddPreflightWorker(builder.Configuration);
        using var worker = builder.Build();
        var workerTools = worker.Services.GetRequiredService<MediaTools>().CheckAvailability();

        Assert.False(checkTools.FfprobeAvailable);
        Assert.False(workerTools.FfprobeAvailable);
        Assert.False((bool)health["ffprobe"]!["usable"]!);
        Assert.Equal("degraded", (string?)health["status"]);
        Assert.Equal(checkTools.Problem, workerTools.Problem);
        Assert.Equal(checkTools.Problem, (string?)health["problem"]);
        Assert.Contains("apt-get install ffmpeg", checkTools.Problem);
    }

    [Fact]
    public async Task FfmpegDirAlias_AppliesWhenTheKeyIsUnsetAndTheKeyWins()
    {
        var noTools = Directory.CreateDirectory(_temp.File("no-tools")).FullName;
        var ffprobe = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, "ffprobe")).FirstOrDefault(File.Exists);
        Assert.True(ffprobe is not null, "ffprobe must be installed for this test (./scripts/test.sh installs it)");
        _temp.Write("in/tone.wav", TestMedia.Wav());
        var environment = new Dictionary<string, string?> { ["PREFLIGHT_FFMPEG_DIR"] = noTools, ["Preflight__MediaTools__BinaryFolder"] = null };

        var alias = await ProcessTests.RunAsync(_temp.Path, environment, "check", "in", "--deep");
        var keyWins = await ProcessTests.RunAsync(_temp.Path, environment, "check", "in", "--deep",
            "--Preflight:MediaTools:BinaryFolder=" + Path.GetDirectoryName(ffprobe));

        Assert.True(alias.Code == ExitCodes.UsageOrSetup, $"exit {alias.Code}: {alias.Stderr}");
        Assert.Contains("apt-get install ffmpeg", alias.Stderr);
        Assert.True(keyWins.Code == ExitCodes.Pass, $"exit {keyWins.Code}: {keyWins.Stderr}");
    }

    [Fact]
    public async Task Job_AllowPrivateNetworksFromEnvironment_FetchesLoopbackUrl()
    {
        var mp3 = await File.ReadAllBytesAsync(RepoPaths.TestFile("valid", "audio-64kbps-mono.mp3"));
        await using var server = await LoopbackHttpServer.StartAsync(r => r.MapGet("/voice.mp3", LoopbackResponses.Bytes(mp3, "audio/mpeg")));
        var job = _temp.Write("job.json", JsonSerializer.SerializeToUtf8Bytes(AudioJob(server.Url("/voice.mp3"))));

        var allowed = await ProcessTests.RunAsync(_temp.Path,
            new Dictionary<string, string?> { ["Preflight__Fetch__AllowPrivateNetworks"] = "true" }, "job", job, "--format", "json");
        var blocked = await ProcessTests.RunAsync(_temp.Path,
            new Dictionary<string, string?> { ["Preflight__Fetch__AllowPrivateNetworks"] = null }, "job", job, "--format", "json");

        Assert.True(allowed.Code == ExitCodes.Pass, $"exit {allowed.Code}: {allowed.Stdout} {allowed.Stderr}");
        using (var json = JsonDocument.Parse(allowed.Stdout))
            Assert.Equal("mp3", json.RootElement.GetProperty("assets")[0].GetProperty("detected").GetProperty("format").GetString());
        Assert.Equal(ExitCodes.Fail, blocked.Code);
        Assert.Contains("url.blocked", blocked.Stdout);
    }

    [Fact]
    public async Task Job_FetchKeyAsArgument_AppliesLikeInServe()
    {
        // Preflight:Fetch:MaxRedirects=0: one redirect is already too many — in `job` as in the HTTP service.
        var mp3 = await File.ReadAllBytesAsync(RepoPaths.TestFile("valid", "audio-64kbps-mono.mp3"));
        await using var server = await LoopbackHttpServer.StartAsync(r =>
        {
            r.MapGet("/voice.mp3", LoopbackResponses.Bytes(mp3, "audio/mpeg"));
            r.MapGet("/old.mp3", LoopbackResponses.Redirect("/voice.mp3"));
        });
        var job = _temp.Write("job.json", JsonSerializer.SerializeToUtf8Bytes(AudioJob(server.Url("/old.mp3"))));

        var followed = await CliRunner.RunAsync("job", job, "--format", "json", "--allow-private-networks");
        var refused = await CliRunner.RunAsync("job", job, "--format", "json", "--allow-private-networks", "--Preflight:Fetch:MaxRedirects=0");

        Assert.Equal(ExitCodes.Pass, followed.ExitCode);
        Assert.Equal(ExitCodes.Fail, refused.ExitCode);
        Assert.Contains("url.http_error", refused.Out);
    }

    [Fact]
    public async Task Check_InvalidEngineSetting_ExitsTwoNamingTheKey()
    {
        var result = await CliRunner.RunAsync("check", RepoPaths.TestFile("valid", "image-160x90.png"), "--Preflight:Fetch:MaxConcurrency=0");

        Assert.Equal(ExitCodes.UsageOrSetup, result.ExitCode);
        Assert.Contains("Preflight:Fetch", Assert.Single(result.ErrorLines));
    }

    private static object AudioJob(Uri audio) => new
    {
        endpoint = "video/generate",
        plan = "pro",
        request = new
        {
            dimension = new { width = 1280, height = 720 },
            video_inputs = new[] { new { character = new { type = "avatar", avatar_id = "a" }, voice = new { type = "audio", audio_url = audio.ToString() } } },
        },
    };

    public void Dispose() => _temp.Dispose();
}
