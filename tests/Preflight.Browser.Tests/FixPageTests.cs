using System.Diagnostics;
using Microsoft.Playwright;
using Preflight.Api.Tests;
using Preflight.TestSupport;

namespace Preflight.Browser.Tests;

/// <summary>The page's Fix button against the real /v1/fix/* of the service on loopback (no stand-ins).</summary>
[Collection(BrowserCollection.Name)]
public sealed class FixPageTests(Chromium chromium)
{
    private static readonly string Failing = RepoPaths.TestFile("mislabeled", "png-named.jpg");
    private static readonly LocatorAssertionsToContainTextOptions Slow = new() { Timeout = 60_000 };

    [Fact]
    public async Task FixButton_FailingImage_FixedFileLinkedWithItsPassingVerdict()
    {
        await using var app = await KestrelApp.StartAsync();
        var page = await chromium.NewPageAsync();
        var errors = new ConsoleErrors(page);
        await page.GotoAsync(new Uri(app.Address, "/").ToString());
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        await page.GetByLabel("Choose files", new() { Exact = true }).SetInputFilesAsync(Failing);
        var card = page.Locator("article.card[data-name='png-named.jpg']");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-verdict", "fail");
        await card.GetByRole(AriaRole.Button, new() { Name = "Fix png-named.jpg" }).ClickAsync();

        var result = card.Locator(".fix-result");
        await Assertions.Expect(result).ToContainTextAsync("fixed.", Slow);
        await Assertions.Expect(result.Locator(".badge")).ToHaveTextAsync("Pass");
        var href = await result.GetByRole(AriaRole.Link, new() { Name = "Download the fixed file" }).GetAttributeAsync("href");
        // The staged output is served by the same service: it is the input's PNG bytes under a .png name.
        using var http = new HttpClient();
        var fixedBytes = await http.GetByteArrayAsync(new Uri(app.Address, href!));
        Assert.Equal(await File.ReadAllBytesAsync(Failing), fixedBytes);
        Assert.EndsWith(".png", href, StringComparison.Ordinal);
        Assert.Empty(errors.All);
    }

    [Fact]
    public async Task FixButton_NeedsTrim_OffersTheOptionAndFixesWithItUnderTheChosenProfile()
    {
        using var temp = new TempDir();
        // Twelve minutes of speech-band audio: over HeyGen's 600 s audio limit, small enough to upload quickly.
        var longAudio = Generate(temp, "voice-over.mp3", "-f lavfi -i sine=frequency=440:sample_rate=8000 -t 720 -ac 1 -c:a libmp3lame -b:a 8k");
        await using var app = await KestrelApp.StartAsync();
        var page = await chromium.NewPageAsync(1280);
        var errors = new ConsoleErrors(page);
        var fixRequests = new List<string>();
        page.Request += (_, request) => { if (request.Url.Contains("/v1/fix/", StringComparison.Ordinal)) lock (fixRequests) fixRequests.Add(request.Url); };
        await page.GotoAsync(new Uri(app.Address, "/").ToString());
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        // The service lists its built-in profiles: the selector shows and the fix must use the one chosen.
        var profiles = page.GetByLabel("Profile");
        await Assertions.Expect(profiles).ToBeVisibleAsync();
        await profiles.SelectOptionAsync("heygen");

        await page.GetByLabel("Choose files", new() { Exact = true }).SetInputFilesAsync(longAudio);
        var card = page.Locator("article.card[data-name='voice-over.mp3']");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-verdict", "fail", new() { Timeout = 60_000 });
        // The fix follows the card's check, not a selector changed since (runway has no audio length limit).
        await profiles.SelectOptionAsync("runway");
        await card.GetByRole(AriaRole.Button, new() { Name = "Fix voice-over.mp3" }).ClickAsync();

        var result = card.Locator(".fix-result");
        await Assertions.Expect(result).ToContainTextAsync("needs option.", Slow);
        await Assertions.Expect(result).ToContainTextAsync("Run with trim=true");
        await Assertions.Expect(result.GetByRole(AriaRole.Link)).ToHaveCountAsync(0);
        await Artifacts.ScreenshotAsync(page, "page-fix-needs-trim");
        await result.GetByRole(AriaRole.Button, new() { Name = "Fix, cutting it to the limit: voice-over.mp3" }).ClickAsync();

        await Assertions.Expect(result).ToContainTextAsync("fixed.", Slow);
        await Assertions.Expect(result.Locator(".badge")).ToHaveTextAsync("Pass");
        await Assertions.Expect(result.GetByRole(AriaRole.Link, new() { Name = "Download the fixed file" })).ToBeVisibleAsync();
        await Assertions.Expect(result.GetByRole(AriaRole.Button)).ToHaveCountAsync(0);
        await Artifacts.ScreenshotAsync(page, "page-fix-trimmed");
        lock (fixRequests)
        {
            Assert.Equal(2, fixRequests.Count);
            Assert.All(fixRequests, url => Assert.Contains("profile=heygen", url, StringComparison.Ordinal));
            Assert.DoesNotContain("trim=", fixRequests[0], StringComparison.Ordinal);
            Assert.Contains("trim=true", fixRequests[1], StringComparison.Ordinal);
        }
        Assert.Empty(errors.All);
    }

    [Fact]
    public async Task FixButton_DamagedAndTooLong_OffersSalvageThenTrimAndFixesWithBoth()
    {
        using var temp = new TempDir();
        var whole = File.ReadAllBytes(Generate(temp, "whole.mp3", "-f lavfi -i sine=frequency=440:sample_rate=8000 -t 720 -ac 1 -c:a libmp3lame -b:a 8k"));
        var damaged = temp.File("damaged.mp3");
        await File.WriteAllBytesAsync(damaged, whole[..^100]); // the last frame cut off: damaged, and still 12 minutes
        await using var app = await KestrelApp.StartAsync();
        var page = await chromium.NewPageAsync();
        var errors = new ConsoleErrors(page);
        var fixRequests = new List<string>();
        page.Request += (_, request) => { if (request.Url.Contains("/v1/fix/", StringComparison.Ordinal)) lock (fixRequests) fixRequests.Add(request.Url); };
        await page.GotoAsync(new Uri(app.Address, "/").ToString());
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        await page.GetByLabel("Choose files", new() { Exact = true }).SetInputFilesAsync(damaged);
        var card = page.Locator("article.card[data-name='damaged.mp3']");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-verdict", "fail", new() { Timeout = 60_000 });
        await card.GetByRole(AriaRole.Button, new() { Name = "Fix damaged.mp3" }).ClickAsync();
        var result = card.Locator(".fix-result");
        await Assertions.Expect(result).ToContainTextAsync("Run with salvage=true", Slow);
        await result.GetByRole(AriaRole.Button, new() { Name = "Fix, keeping the part that decodes: damaged.mp3" }).ClickAsync();
        // Salvaged, it is still too long: the second option is offered on top of the first.
        await Assertions.Expect(result).ToContainTextAsync("Run with trim=true", Slow);
        await result.GetByRole(AriaRole.Button, new() { Name = "Fix, cutting it to the limit: damaged.mp3" }).ClickAsync();

        await Assertions.Expect(result).ToContainTextAsync("fixed.", Slow);
        await Assertions.Expect(result.Locator(".badge")).ToHaveTextAsync("Pass");
        lock (fixRequests)
        {
            Assert.Equal(3, fixRequests.Count);
            Assert.Contains("salvage=true", fixRequests[1], StringComparison.Ordinal);
            Assert.DoesNotContain("trim=", fixRequests[1], StringComparison.Ordinal);
            Assert.Contains("salvage=true", fixRequests[2], StringComparison.Ordinal);
            Assert.Contains("trim=true", fixRequests[2], StringComparison.Ordinal);
        }
        Assert.Empty(errors.All);
    }

    private static string Generate(TempDir temp, string name, string arguments)
    {
        var output = temp.File(name);
        var start = new ProcessStartInfo("ffmpeg", $"-hide_banner -nostdin -v error -y {arguments} \"{output}\"") { RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("ffmpeg did not start");
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"ffmpeg could not make {name}: {stderr}");
        return output;
    }
}
