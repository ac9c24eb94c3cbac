using System.Text.Json;
using Microsoft.Playwright;
using Preflight.Api.Tests;
using Preflight.TestSupport;

namespace Preflight.Browser.Tests;

/// <summary>
/// The page against services other than this one: fewer profiles, no /v1/fix/*. Those answers are stood in for with
/// Playwright's request routing, everything else is the real service. (The real fix flow: <see cref="FixPageTests"/>.)
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FutureContractTests(Chromium chromium)
{
    private static readonly string Failing = RepoPaths.TestFile("mislabeled", "png-named.jpg");

    [Fact]
    public async Task Profiles_SeveralListed_ShowTheSelectorAndSendTheChoice()
    {
        await using var app = await KestrelApp.StartAsync();
        var page = await chromium.NewPageAsync();
        var errors = new ConsoleErrors(page);
        await page.RouteAsync("**/v1/profiles", route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "application/json",
            Body = """{"active":"heygen","profiles":[{"name":"heygen"},{"name":"runway"}]}""",
        }));
        var sent = new List<string>();
        page.Request += (_, request) => { if (request.Url.Contains("/v1/preflight/files", StringComparison.Ordinal)) sent.Add(request.Url); };
        await page.GotoAsync(new Uri(app.Address, "/").ToString());

        var select = page.GetByLabel("Profile");
        await Assertions.Expect(select).ToBeVisibleAsync();
        await Assertions.Expect(select).ToHaveValueAsync("heygen");
        await select.SelectOptionAsync("runway");
        await page.GetByLabel("Choose files", new() { Exact = true }).SetInputFilesAsync(Failing);

        // The real service does not know ?profile= yet and ignores it; the card still comes back.
        await Assertions.Expect(page.Locator("article.card")).ToHaveCountAsync(1);
        Assert.Contains("profile=runway", Assert.Single(sent));
        Assert.Empty(errors.All);
    }

    [Fact]
    public async Task Profiles_OnlyOne_HidesTheSelector()
    {
        await using var app = await KestrelApp.StartAsync();
        var page = await chromium.NewPageAsync();
        // The service loads five built-in profiles; one that loads only its active one lists just that.
        await page.RouteAsync("**/v1/profiles", route => route.FulfillAsync(new RouteFulfillOptions
        {
            ContentType = "application/json",
            Body = """{"active":"heygen","profiles":[{"name":"heygen"}],"available":[{"name":"heygen","title":"HeyGen"}]}""",
        }));
        await page.GotoAsync(new Uri(app.Address, "/").ToString());
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        await Assertions.Expect(page.Locator("#profile-option")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task FixButton_WhenTheApiDoesNotOfferFix_IsAbsent()
    {
        await using var app = await KestrelApp.StartAsync();
        var page = await chromium.NewPageAsync();
        // The service offers /v1/fix/* now: a service without them is the real OpenAPI document minus those paths.
        await page.RouteAsync("**/openapi/v1.json", async route =>
        {
            var response = await route.FetchAsync();
            var doc = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await response.TextAsync())!;
            var paths = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(doc["paths"].GetRawText())!;
            Assert.Contains("/v1/fix/files", paths.Keys);
            doc["paths"] = JsonSerializer.SerializeToElement(paths.Where(p => !p.Key.StartsWith("/v1/fix/", StringComparison.Ordinal)).ToDictionary());
            await route.FulfillAsync(new RouteFulfillOptions { ContentType = "application/json", Body = JsonSerializer.Serialize(doc) });
        });
        await page.GotoAsync(new Uri(app.Address, "/").ToString());
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        await page.GetByLabel("Choose files", new() { Exact = true }).SetInputFilesAsync(Failing);
        var card = page.Locator("article.card[data-name='png-named.jpg']");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-verdict", "fail");
        await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "Fix png-named.jpg" })).ToHaveCountAsync(0);
    }
}
