using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using Preflight.Api.Tests;
using Preflight.TestSupport;

namespace Preflight.Browser.Tests;

/// <summary>The page at / in Debian's Chromium, against the real service on loopback.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageTests(Chromium chromium)
{
    private static readonly string Passing = RepoPaths.TestFile("valid", "image-320x180.jpg");
    private static readonly string Failing = RepoPaths.TestFile("mislabeled", "png-named.jpg");
    private static readonly string Video = RepoPaths.TestFile("valid", "video-h264-aac-640x360-25fps-faststart.mp4");
    private static readonly string Audio = RepoPaths.TestFile("valid", "audio-pcm16-22khz-mono.wav");

    private static readonly LocatorAssertionsToBeVisibleOptions Slow = new() { Timeout = 60_000 };

    [Fact]
    public async Task ChooseFiles_PassingAndFailing_ShowCardsFailingFirstWithPreviews()
    {
        await using var app = await KestrelApp.StartAsync();
        var page = await chromium.NewPageAsync(1440);
        var errors = new ConsoleErrors(page);
        await page.GotoAsync(new Uri(app.Address, "/").ToString());

        // Layout shifts (what Chrome's CLS counts). Chrome ignores shifts within 500 ms of user input; choosing files
        // through Playwright is not trusted input, so the upload rows' own insertion is excused the same way here.
        await page.EvaluateAsync(@"() => {
            window.__shifts = [];
            new PerformanceObserver(list => list.getEntries().forEach(e => window.__shifts.push([e.startTime, e.value])))
                .observe({ type: 'layout-shift' });
            new MutationObserver((_, observer) => { window.__rowsAt = performance.now(); observer.disconnect(); })
                .observe(document.getElementById('uploads'), { childList: true });
        }");
        await page.GetByLabel("Choose files", new() { Exact = true }).SetInputFilesAsync([Passing, Failing, Video, Audio]);

        var cards = page.Locator("article.card");
        await Assertions.Expect(cards).ToHaveCountAsync(4, new() { Timeout = 60_000 });
        await page.WaitForTimeoutAsync(500); // let the previews decode and any late shift be reported
        var shift = await page.EvaluateAsync<double>(
            "() => window.__shifts.filter(([at]) => at > window.__rowsAt + 500).reduce((sum, [, value]) => sum + value, 0)");
        Assert.True(shift < 0.01, $"results arriving shifted the layout (CLS {shift:0.###})");
        await Assertions.Expect(page.Locator("#summary")).ToHaveTextAsync("4 files: 3 passed, 1 failed");
        // Failing first, whatever order the answers came in.
        await Assertions.Expect(cards.First).ToHaveAttributeAsync("data-name", "png-named.jpg");
        await Assertions.Expect(cards.First).ToHaveAttributeAsync("data-verdict", "fail");
        var failing = page.Locator("article.card[data-name='png-named.jpg']");
        await Assertions.Expect(failing.Locator(".badge")).ToHaveTextAsync("Fail");
        await Assertions.Expect(failing.Locator(".finding-code").First).ToHaveTextAsync("format.extension_mismatch");
        await Assertions.Expect(failing.Locator(".fix-command code")).ToContainTextAsync("mv -n");
        await Assertions.Expect(failing.GetByRole(AriaRole.Button, new() { Name = "Copy the fix command" })).ToBeVisibleAsync();

        var passing = page.Locator("article.card[data-name='image-320x180.jpg']");
        await Assertions.Expect(passing).ToHaveAttributeAsync("data-verdict", "pass");
        await Assertions.Expect(passing.Locator(".badge")).ToHaveTextAsync("Pass");
        await Assertions.Expect(passing).ToContainTextAsync("320 × 180");
        // Previews: a thumbnail, a video frame and a waveform, all inline data: images made by the service.
        await Assertions.Expect(passing.Locator("img.preview-thumbnail")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^data:image/jpeg;base64,"));
        var video = page.Locator("article.card[data-name='video-h264-aac-640x360-25fps-faststart.mp4']");
        await Assertions.Expect(video.Locator("img.preview-frame")).ToBeVisibleAsync();
        await Assertions.Expect(video).ToContainTextAsync("h264 + aac");
        var audio = page.Locator("article.card[data-name='audio-pcm16-22khz-mono.wav']");
        await Assertions.Expect(audio.Locator("img.preview-waveform")).ToBeVisibleAsync();
        // Every upload row reached 100 %.
        var bars = page.Locator("#uploads progress");
        await Assertions.Expect(bars).ToHaveCountAsync(4);
        for (var i = 0; i < 4; i++) Assert.Equal(100, await bars.Nth(i).EvaluateAsync<int>("b => b.value"));

        await Artifacts.ScreenshotAsync(page, "page-1440");
        await page.SetViewportSizeAsync(360, 800);
        // Nothing may stick out sideways at 360 px.
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 360"),
            "the page scrolls sideways at 360 px");
        await Artifacts.ScreenshotAsync(page, "page-360");
        Assert.Empty(errors.All);
    }

    [Fact]
    public async Task DropAFile_OnTheZone_StartsItsCheckAtOnce()
    {
        await using var app = await KestrelApp.StartAsync();
        var page = await chromium.NewPageAsync(1440);
        var errors = new ConsoleErrors(page);
        await page.GotoAsync(new Uri(app.Address, "/").ToString());

        // A real drop event carrying a File, as the browser builds it when a file is dragged from the desktop.
        var bytes = Convert.ToBase64String(await File.ReadAllBytesAsync(Failing));
        await page.EvaluateAsync(@"base64 => {
            const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], 'dropped.jpg', { type: 'image/jpeg' }));
            const zone = document.getElementById('drop');
            zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
            zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        }", bytes);

        var card = page.Locator("article.card[data-name='dropped.jpg']");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-verdict", "fail", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#drop")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("over"));
        Assert.Empty(errors.All);
    }

    [Fact]
    public async Task CheckUrls_LoopbackUrl_ShowsItsCard()
    {
        var png = await File.ReadAllBytesAsync(RepoPaths.TestFile("valid", "image-160x90.png"));
        await using var server = await LoopbackHttpServer.StartAsync(routes =>
            routes.MapGet("/assets/logo.png", LoopbackResponses.Bytes(png, "image/png")));
        await using var app = await KestrelApp.StartAsync(("Preflight:Fetch:AllowPrivateNetworks", "true"));
        var page = await chromium.NewPageAsync(1440);
        var errors = new ConsoleErrors(page);
        await page.GotoAsync(new Uri(app.Address, "/").ToString());

        await page.GetByRole(AriaRole.Tab, new() { Name = "URLs" }).ClickAsync();
        var url = server.Url("/assets/logo.png").ToString();
        await page.GetByLabel("URLs, one per line").FillAsync(url);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check URLs" }).ClickAsync();

        var card = page.Locator($"article.card[data-name='{url}']");
        await Assertions.Expect(card).ToBeVisibleAsync(Slow);
        await Assertions.Expect(card).ToHaveAttributeAsync("data-verdict", "pass");
        await Assertions.Expect(card.Locator("img.preview-thumbnail")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("^data:image/png;base64,"));
        await Assertions.Expect(page.Locator("#summary")).ToHaveTextAsync("1 file: 1 passed, 0 failed");
        Assert.Empty(errors.All);
    }

    [Fact]
    public async Task JobTab_Example_ShowsVerdictMinimumPlanEstimateAndPaths()
    {
        await using var app = await KestrelApp.StartAsync();
        var page = await chromium.NewPageAsync(1440);
        var errors = new ConsoleErrors(page);
        await page.GotoAsync(new Uri(app.Address, "/").ToString());

        // Keyboard: the tabs follow the ARIA pattern (arrow keys move between them).
        await page.GetByRole(AriaRole.Tab, new() { Name = "Files" }).FocusAsync();
        await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(page.GetByRole(AriaRole.Tab, new() { Name = "Job" })).ToHaveAttributeAsync("aria-selected", "true");
        await Assertions.Expect(page.Locator("#job")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("\"endpoint\": \"video/generate\""));

        await page.GetByRole(AriaRole.Button, new() { Name = "Check job" }).ClickAsync();

        var summary = page.Locator(".job-summary");
        await Assertions.Expect(summary).ToBeVisibleAsync(Slow);
        await Assertions.Expect(summary).ToHaveAttributeAsync("data-verdict", "fail");
        await Assertions.Expect(summary.Locator(".minimum-plan")).ToHaveTextAsync("minimum plan: pro");
        await Assertions.Expect(summary.Locator(".credits")).ToContainTextAsync("credits");
        await Assertions.Expect(summary.Locator(".formula")).ToContainTextAsync("per credit");
        var finding = page.Locator("#job-result .finding").Filter(new() { HasText = "job.resolution_exceeds_plan" });
        await Assertions.Expect(finding.Locator(".finding-path")).ToHaveTextAsync("at /dimension");
        await Artifacts.ScreenshotAsync(page, "page-job-1440");
        Assert.Empty(errors.All);
    }

    [Fact]
    public async Task Upload_OverBodyLimit_ShowsA413AsAReadableMessage()
    {
        await using var app = await KestrelApp.StartAsync(("Preflight:Upload:MaxBodyBytes", "4096"));
        var page = await chromium.NewPageAsync(1440);
        var errors = new ConsoleErrors(page);
        await page.GotoAsync(new Uri(app.Address, "/").ToString());

        await page.GetByLabel("Choose files", new() { Exact = true }).SetInputFilesAsync(Video);

        var message = page.Locator("#message");
        await Assertions.Expect(message).ToBeVisibleAsync(Slow);
        await Assertions.Expect(message).ToContainTextAsync("Too large:");
        Assert.DoesNotContain("{", await message.TextContentAsync() ?? "");
        await Assertions.Expect(page.Locator("#uploads .upload-state")).ToHaveTextAsync("Not checked");
        await Assertions.Expect(page.Locator("article.card")).ToHaveCountAsync(0);
        Assert.Empty(errors.Except(413));
    }

    [Fact]
    public async Task ApiKeys_A401AsksForTheKey_ThenTheCheckRunsWithIt()
    {
        await using var app = await KestrelApp.StartAsync(("Preflight:ApiKeys:0", "page-test-key"));
        var page = await chromium.NewPageAsync(1440);
        var errors = new ConsoleErrors(page);
        await page.GotoAsync(new Uri(app.Address, "/").ToString());

        await page.GetByLabel("Choose files", new() { Exact = true }).SetInputFilesAsync(Passing);
        var key = page.Locator("#api-key");
        await Assertions.Expect(key).ToBeVisibleAsync(Slow);
        await key.FillAsync("page-test-key");
        await key.PressAsync("Enter");

        var card = page.Locator("article.card[data-name='image-320x180.jpg']");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-verdict", "pass", new() { Timeout = 60_000 });
        Assert.Equal("page-test-key", await page.EvaluateAsync<string>("() => sessionStorage.getItem('preflight.apiKey')"));
        Assert.Empty(errors.Except(401));
    }
}
