using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Preflight.Core.Inspection;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Worker.Tests;

/// <summary>
/// <c>Preflight:Worker:AutoFix</c> (issue 15): a fixable failing upload is fixed, re-inspected and its output staged;
/// the original is rejected with its report either way, and the result message carries <c>fix</c>.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AutoFixTests(AzuriteFixture azurite) : IDisposable
{
    private readonly TempDir _inputs = new();

    public void Dispose() => _inputs.Dispose();

    /// <param name="settings">Worker settings beside the longer visibility timeout; a key left out keeps its default.</param>
    private async Task<WorkerHarness> HarnessAsync(params (string Key, string Value)[] settings)
    {
        // A fix re-encodes: more time than a check before a delivery counts as failed.
        var overrides = new Dictionary<string, string?> { ["Preflight:Worker:VisibilityTimeout"] = "00:00:10" };
        foreach (var (key, value) in settings) overrides[key] = value;
        var harness = new WorkerHarness(azurite.ConnectionString, overrides);
        await harness.InitializeAsync();
        return harness;
    }

    private Task<WorkerHarness> HarnessAsync(bool autoFix) => HarnessAsync((AutoFixKey, autoFix ? "true" : "false"));

    private const string AutoFixKey = "Preflight:Worker:AutoFix";

    /// <summary>An input made by ffmpeg (our own arguments, so unhardened) in this test's temp folder.</summary>
    private string Generate(string name, string arguments)
    {
        var output = _inputs.File(name);
        var start = new ProcessStartInfo("ffmpeg") { RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in $"-nostdin -v error -y {arguments}".Split(' ', StringSplitOptions.RemoveEmptyEntries))
            start.ArgumentList.Add(argument);
        start.ArgumentList.Add(output);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg could not generate {name}: {stderr}");
        return output;
    }

    private static string Status(JsonElement result) => result.GetProperty("fix").GetProperty("status").GetString()!;

    private static async Task<JsonElement> RejectedReportAsync(WorkerHarness harness, string blobName)
    {
        var report = await harness.Rejected.GetBlobClient($"{harness.Uploads.Name}/{blobName}.preflight.json").DownloadContentAsync();
        return JsonDocument.Parse(report.Value.Content.ToString()).RootElement.Clone();
    }

    [Theory]
    [InlineData("mov", "clip.mov", "video/mp4", "remux")]
    [InlineData("webp", "poster.webp", "image/png", "image_convert")]
    public async Task AutoFix_FixableUpload_FixedOutputStagedAndPassesOriginalStillRejected(string kind, string blobName, string contentType, string op)
    {
        await using var harness = await HarnessAsync(autoFix: true);
        var url = kind == "mov"
            ? await harness.UploadAsync("unsupported/video.mov", blobName)
            : await harness.UploadFileAsync(Generate("poster.webp", "-f lavfi -i testsrc=size=320x180:rate=1 -frames:v 1 -c:v libwebp -f webp"), blobName);
        var host = await harness.StartWorkerAsync();

        await harness.SendRequestAsync(url, correlationId: "fix-1");
        var result = Assert.Single(await harness.ResultsAsync(1, seconds: 60));

        // The upload itself still fails: the result describes it, and `fix` what was made of it.
        Assert.Equal("fail", result.GetProperty("verdict").GetString());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("staged").ValueKind);
        var fix = result.GetProperty("fix");
        Assert.Equal("fixed", fix.GetProperty("status").GetString());
        Assert.Contains(fix.GetProperty("operations").EnumerateArray(), o => o.GetProperty("op").GetString() == op);
        Assert.Equal("pass", fix.GetProperty("after").GetProperty("verdict").GetString());
        Assert.Equal(JsonValueKind.Null, fix.GetProperty("reason").ValueKind);

        // fix.output is the staged URL of the fixed file: content-addressed, and its bytes pass a fresh check.
        var output = fix.GetProperty("output").GetString()!;
        var stagedName = Assert.Single(await WorkerHarness.ListAsync(harness.Staged));
        Assert.EndsWith("/" + stagedName, output, StringComparison.Ordinal);
        using var http = new HttpClient();
        using var fetched = await http.GetAsync(new Uri(output));
        Assert.True(fetched.IsSuccessStatusCode, $"GET {output}: {(int)fetched.StatusCode}");
        Assert.Equal(contentType, fetched.Content.Headers.ContentType?.MediaType);
        var bytes = await fetched.Content.ReadAsByteArrayAsync();
        Assert.Equal(fix.GetProperty("after").GetProperty("sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(bytes)));
        var downloaded = _inputs.Write("fetched" + Path.GetExtension(stagedName), bytes);
        var recheck = await host.Services.GetRequiredService<Inspector>().InspectAsync(
            new InspectionRequest(downloaded, Path.ChangeExtension(blobName, Path.GetExtension(stagedName))), new InspectionOptions(), CancellationToken.None);
        Assert.Equal(Verdict.Pass, recheck.Verdict);

        // The original is kept as it was, beside its report, which now also says where the fixed file went.
        var prefix = $"{harness.Uploads.Name}/{blobName}";
        Assert.Equal([prefix, prefix + ".preflight.json"], (await WorkerHarness.ListAsync(harness.Rejected)).Order());
        var report = await RejectedReportAsync(harness, blobName);
        Assert.Equal("fail", report.GetProperty("verdict").GetString());
        Assert.Equal(output, report.GetProperty("fix").GetProperty("output").GetString());
    }

    [Theory]
    [InlineData("false")]
    [InlineData(null)]
    public async Task AutoFixOff_FixableUpload_UnchangedBehaviourNoFixMember(string? autoFix)
    {
        // null: the key is absent, so this is the default (off), not an explicit false.
        await using var harness = autoFix is null ? await HarnessAsync() : await HarnessAsync((AutoFixKey, autoFix));
        var url = await harness.UploadAsync("unsupported/video.mov", "clip.mov");
        await harness.StartWorkerAsync();

        await harness.SendRequestAsync(url);
        var result = Assert.Single(await harness.ResultsAsync(1));

        Assert.Equal("fail", result.GetProperty("verdict").GetString());
        Assert.False(result.TryGetProperty("fix", out _), "without AutoFix the result message keeps its old shape");
        Assert.Empty(await WorkerHarness.ListAsync(harness.Staged));
        Assert.Equal(2, (await WorkerHarness.ListAsync(harness.Rejected)).Count);
        Assert.False((await RejectedReportAsync(harness, "clip.mov")).TryGetProperty("fix", out _));
    }

    [Fact]
    public async Task AutoFix_PassingUpload_StagedAsBeforeWithFixNotNeeded()
    {
        await using var harness = await HarnessAsync(autoFix: true);
        var url = await harness.UploadAsync("valid/image-160x90.png");
        await harness.StartWorkerAsync();

        await harness.SendRequestAsync(url);
        var result = Assert.Single(await harness.ResultsAsync(1));

        Assert.Equal("pass", result.GetProperty("verdict").GetString());
        Assert.Equal("not_needed", Status(result));
        Assert.Equal(JsonValueKind.Null, result.GetProperty("fix").GetProperty("output").ValueKind);
        Assert.Single(await WorkerHarness.ListAsync(harness.Staged));
        Assert.Empty(await WorkerHarness.ListAsync(harness.Rejected));
    }

    /// <summary>
    /// Trim and salvage lose part of the file, so each needs its own setting: a twelve-minute MP3 (over the 600 s limit)
    /// and the first half of a 2 s WAV (its header still declares 2 s) are fixed only when it is on.
    /// </summary>
    [Theory]
    [InlineData("Trim", false, "needs_option")]
    [InlineData("Trim", true, "fixed")]
    [InlineData("Salvage", false, "needs_option")]
    [InlineData("Salvage", true, "fixed")]
    public async Task AutoFix_LossyFix_OnlyWithItsSetting(string option, bool allowed, string status)
    {
        // Only this option's key is set: the other keeps its default (off).
        await using var harness = await HarnessAsync((AutoFixKey, "true"), ($"Preflight:Worker:AutoFix{option}", allowed ? "true" : "false"));
        string url;
        if (option == "Trim")
        {
            url = await harness.UploadFileAsync(Generate("long.mp3", "-f lavfi -i sine=frequency=440:sample_rate=8000 -t 720 -ac 1 -c:a libmp3lame -b:a 8k"), "voice-over.mp3");
        }
        else
        {
            var wav = File.ReadAllBytes(Generate("whole.wav", "-f lavfi -i sine=frequency=440:sample_rate=8000 -t 2 -ac 1 -c:a pcm_s16le"));
            url = await harness.UploadFileAsync(_inputs.Write("cut.wav", wav[..(wav.Length / 2)]), "voice-over.wav");
        }
        await harness.StartWorkerAsync();

        await harness.SendRequestAsync(url);
        var result = Assert.Single(await harness.ResultsAsync(1, seconds: 90));

        Assert.Equal("fail", result.GetProperty("verdict").GetString());
        if (option == "Trim")
            Assert.Contains(result.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == FindingCodes.MediaDurationTooLong);
        Assert.Equal(status, Status(result));
        var fix = result.GetProperty("fix");
        var op = option.ToLowerInvariant();
        if (allowed)
        {
            Assert.Contains(fix.GetProperty("operations").EnumerateArray(), o => o.GetProperty("op").GetString() == op);
            Assert.Equal("pass", fix.GetProperty("after").GetProperty("verdict").GetString());
            if (option == "Trim")
                Assert.InRange(fix.GetProperty("after").GetProperty("media").GetProperty("durationSeconds").GetDouble(), 599.0, 600.0);
            else
                Assert.InRange(fix.GetProperty("lost").GetProperty("seconds").GetDouble(), 0.5, 1.5);
            Assert.Single(await WorkerHarness.ListAsync(harness.Staged));
        }
        else
        {
            // The reason names the setting that allows it, not the CLI's flag.
            Assert.Contains($"Run with Preflight:Worker:AutoFix{option}=true", fix.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Equal(JsonValueKind.Null, fix.GetProperty("output").ValueKind);
            Assert.Empty(await WorkerHarness.ListAsync(harness.Staged));
        }
        Assert.Equal(2, (await WorkerHarness.ListAsync(harness.Rejected)).Count);
    }

    [Fact]
    public async Task AutoFix_BlobOverTheSizeLimit_NotFixableOriginalRejected()
    {
        // HeyGen's profile but images of at most 1,000 bytes: the 2,236-byte PNG is read once, hashed, not kept whole.
        var profile = _inputs.Write("small-images.json", """
            {"name": "small-images", "extends": "heygen",
             "kinds": {"image": {"maxBytes": {"value": 1000, "source": "test: a 2 KB PNG is over the limit"}}}}
            """u8.ToArray());
        await using var harness = await HarnessAsync((AutoFixKey, "true"), ("Preflight:ProfilePaths:0", profile), ("Preflight:Profile", "small-images"));
        var url = await harness.UploadAsync("valid/image-160x90.png", "poster.png");
        await harness.StartWorkerAsync();

        await harness.SendRequestAsync(url);
        var result = Assert.Single(await harness.ResultsAsync(1));

        Assert.Equal("small-images", result.GetProperty("profile").GetString());
        Assert.Equal("fail", result.GetProperty("verdict").GetString());
        Assert.Contains(result.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == FindingCodes.FileTooLarge);
        Assert.Equal("not_fixable", Status(result));
        var fix = result.GetProperty("fix");
        Assert.Contains("over the size limit", fix.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, fix.GetProperty("output").ValueKind);
        Assert.Empty(await WorkerHarness.ListAsync(harness.Staged));
        Assert.Equal(2, (await WorkerHarness.ListAsync(harness.Rejected)).Count);
    }

    [Fact]
    public async Task AutoFix_HtmlPage_NotFixableOriginalRejected()
    {
        await using var harness = await HarnessAsync(autoFix: true);
        var url = await harness.UploadAsync("unsupported/html-error-page.mp4", "clip.mp4");
        await harness.StartWorkerAsync();

        await harness.SendRequestAsync(url);
        var result = Assert.Single(await harness.ResultsAsync(1));

        Assert.Equal("not_fixable", Status(result));
        var fix = result.GetProperty("fix");
        Assert.Contains("HTML", fix.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, fix.GetProperty("output").ValueKind);
        Assert.Empty(await WorkerHarness.ListAsync(harness.Staged));
        var prefix = $"{harness.Uploads.Name}/clip.mp4";
        Assert.Equal([prefix, prefix + ".preflight.json"], (await WorkerHarness.ListAsync(harness.Rejected)).Order());
        Assert.Equal("not_fixable", (await RejectedReportAsync(harness, "clip.mp4")).GetProperty("fix").GetProperty("status").GetString());
    }
}
