using Microsoft.Playwright;
using Preflight.Api.Tests;
using Preflight.TestSupport;

namespace Preflight.Browser.Tests;

/// <summary>Review of the page's broken states, in Debian's Chromium against the real service on loopback.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageReviewBrowserTests(Chromium chromium)
{
    private static readonly string Passing = RepoPaths.TestFile("valid", "image-320x180.jpg");
    private static readonly string Failing = RepoPaths.TestFile("mislabeled", "png-named.jpg");

    [Fact]
    public async Task ApiKeys_SeveralFilesAnswered401_EveryOneRunsAgainWithTheKey()
    {
        // Before: each 401 replaced the one request to run again, so only the last file was checked once the key was
        // given and the others stayed at "Needs a key" (and the profile list was never loaded).
        await using var app = await KestrelApp.StartAsync(("Preflight:ApiKeys:0", "page-test-key"));
        var page = await chromium.NewPageAsync(1440);
        var errors = new ConsoleErrors(page);
        await page.GotoAsync(new Uri(app.Address, "/").ToString());

        await page.GetByLabel("Choose files", new() { Exact = true }).SetInputFilesAsync([Passing, Failing]);
        var states = page.Locator("#uploads .upload-state");
        await Assertions.Expect(states).ToHaveTextAsync(["Needs a key", "Needs a key"], new() { Timeout = 60_000 });
        var key = page.Locator("#api-key");
        await key.FillAsync("page-test-key");
        await key.PressAsync("Enter");

        await Assertions.Expect(page.Locator("article.card")).ToHaveCountAsync(2, new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("article.card[data-name='image-320x180.jpg']")).ToHaveAttributeAsync("data-verdict", "pass");
        await Assertions.Expect(page.Locator("article.card[data-name='png-named.jpg']")).ToHaveAttributeAsync("data-verdict", "fail");
        await Assertions.Expect(page.Locator("#profile option")).Not.ToHaveCountAsync(0);
        Assert.Empty(errors.Except(401));
    }
}
