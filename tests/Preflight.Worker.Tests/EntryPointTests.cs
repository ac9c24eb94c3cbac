using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.TestSupport;

namespace Preflight.Worker.Tests;

/// <summary>Issue 9: the worker goes through the same ingest step and inspection entry point as the other faces.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class EntryPointTests(AzuriteFixture azurite)
{
    private async Task<WorkerHarness> HarnessAsync()
    {
        var harness = new WorkerHarness(azurite.ConnectionString, new() { ["Preflight:Worker:MaxDequeueCount"] = "1" });
        await harness.InitializeAsync();
        return harness;
    }

    private static async Task<JsonElement> ReportAsync(WorkerHarness harness, string name)
    {
        var blob = await harness.Rejected.GetBlobClient(harness.Uploads.Name + "/" + name + ".preflight.json").DownloadContentAsync();
        return JsonDocument.Parse(blob.Value.Content.ToString()).RootElement.Clone();
    }

    [Fact]
    public async Task Worker_EngineThrows_FailRowWithProbeFailedIsReportedNotPoisoned()
    {
        await using var harness = await HarnessAsync();
        var url = await harness.UploadAsync("valid/image-160x90.png", "boom.png");
        await harness.StartWorkerAsync(services =>
            services.AddSingleton<WorkerInspection>((_, _, _) => throw new InvalidDataException("boom")));

        await harness.SendRequestAsync(url);
        var result = Assert.Single(await harness.ResultsAsync(1));

        Assert.Equal("fail", result.GetProperty("verdict").GetString());
        var finding = Assert.Single(result.GetProperty("findings").EnumerateArray().ToList());
        Assert.Equal(FindingCodes.ProbeFailed, finding.GetProperty("code").GetString());
        Assert.Contains("boom", finding.GetProperty("message").GetString());
        Assert.Equal("image", (await ReportAsync(harness, "boom.png")).GetProperty("kind").GetString());
        Assert.Null((await harness.Poison.PeekMessageAsync()).Value);
    }

    [Fact]
    public async Task Worker_BlobOverItsKindLimit_ReportHasDetectedFormatAndFullSha256()
    {
        await using var harness = await HarnessAsync();
        var png = File.ReadAllBytes(RepoPaths.TestFile("valid", "image-160x90.png"));
        var url = await harness.UploadAsync("valid/image-160x90.png", "big.png");
        var small = Profile.HeyGen with
        {
            Kinds = Profile.HeyGen.Kinds.ToDictionary(k => k.Key,
                k => k.Key == "image" ? k.Value with { MaxBytes = k.Value.MaxBytes with { Value = 1000 } } : k.Value),
        };
        await harness.StartWorkerAsync(services => services.AddSingleton(small));

        await harness.SendRequestAsync(url);
        var result = Assert.Single(await harness.ResultsAsync(1));

        Assert.Equal("fail", result.GetProperty("verdict").GetString());
        var report = await ReportAsync(harness, "big.png");
        Assert.Equal("image", report.GetProperty("kind").GetString());
        Assert.Equal(png.Length, report.GetProperty("sizeBytes").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(png)), report.GetProperty("sha256").GetString());
        Assert.Equal("png", report.GetProperty("detected").GetProperty("format").GetString());
        Assert.Contains(report.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == FindingCodes.FileTooLarge);
    }
}
