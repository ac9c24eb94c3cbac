using Microsoft.Playwright;
using Preflight.Cli;
using Preflight.TestSupport;

namespace Preflight.Browser.Tests;

/// <summary><c>preflight check --format html</c>: the file opened from disk (file://), nothing fetched.</summary>
[Collection(BrowserCollection.Name)]
public sealed class HtmlReportTests(Chromium chromium)
{
    [Fact]
    public async Task HtmlReport_OpenedFromDisk_ShowsCardsAndItsFilterAndSearchWork()
    {
        using var temp = new TempDir();
        var assets = Directory.CreateDirectory(temp.File("assets")).FullName;
        File.Copy(RepoPaths.TestFile("valid", "image-320x180.jpg"), Path.Combine(assets, "poster.jpg"));
        File.Copy(RepoPaths.TestFile("mislabeled", "png-named.jpg"), Path.Combine(assets, "logo.jpg"));
        File.Copy(RepoPaths.TestFile("valid", "video-h264-aac-640x360-25fps-faststart.mp4"), Path.Combine(assets, "intro.mp4"));
        File.Copy(RepoPaths.TestFile("limits", "video-1920x1080.mp4"), Path.Combine(assets, "render-1080p.mp4"));
        File.Copy(RepoPaths.TestFile("valid", "audio-64kbps-mono.mp3"), Path.Combine(assets, "voice.mp3"));
        var report = temp.File("report.html");

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CliApp.RunAsync(["check", assets, "--plan", "free", "--format", "html", "--output", report], stdout, stderr, CancellationToken.None);
        Assert.True(exit == 1, $"exit {exit}: {stderr}");

        var page = await chromium.NewPageAsync(1440);
        var errors = new ConsoleErrors(page);
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);
        await page.GotoAsync(new Uri(report).AbsoluteUri);

        var cards = page.Locator("article.card");
        await Assertions.Expect(cards).ToHaveCountAsync(5);
        await Assertions.Expect(page.Locator("#summary")).ToHaveTextAsync("5 files: 3 passed, 2 failed");
        await Assertions.Expect(cards.First).ToHaveAttributeAsync("data-verdict", "fail");
        await Assertions.Expect(page.Locator("article.card[data-name='poster.jpg'] img.preview-thumbnail")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("article.card[data-name='intro.mp4'] img.preview-frame")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("article.card[data-name='voice.mp3'] img.preview-waveform")).ToBeVisibleAsync();
        await Artifacts.ScreenshotAsync(page, "report-1440");

        await page.GetByLabel("Failures only").CheckAsync();
        var visible = page.Locator("article.card:visible");
        await Assertions.Expect(visible).ToHaveCountAsync(2);
        foreach (var card in await visible.AllAsync()) Assert.Equal("fail", await card.GetAttributeAsync("data-verdict"));
        await Assertions.Expect(page.Locator("#shown")).ToHaveTextAsync("Showing 2 of 5");

        await page.GetByLabel("Failures only").UncheckAsync();
        await page.GetByLabel("Search").FillAsync("extension_mismatch");
        await Assertions.Expect(visible).ToHaveCountAsync(1);
        await Assertions.Expect(visible.First).ToHaveAttributeAsync("data-name", "logo.jpg");
        await page.GetByLabel("Search").FillAsync("");
        await Assertions.Expect(visible).ToHaveCountAsync(5);

        await page.SetViewportSizeAsync(360, 800);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= 360"), "the report scrolls sideways at 360 px");
        await Artifacts.ScreenshotAsync(page, "report-360");

        // Self-contained: the only request is the file itself (previews are data: URLs, the script and style inline).
        Assert.Equal([new Uri(report).AbsoluteUri], requests.Where(u => !u.StartsWith("data:", StringComparison.Ordinal)));
        Assert.Empty(errors.All);
    }
}
