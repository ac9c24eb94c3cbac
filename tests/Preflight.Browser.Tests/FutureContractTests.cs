using System.Text.Json;
using Microsoft.Playwright;
using Preflight.Api.Tests;
using Preflight.TestSupport;

namespace Preflight.Browser.Tests;

/// <summary>
/// The page against contracts other issues are adding (profiles as a list, issue 12; POST /v1/fix/files, issue 15):
/// those answers are stood in for with Playwright's request routing, everything else is the real service.
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
        await page.GotoAsync(new Uri(app.Address, "/").ToString());
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        await Assertions.Expect(page.Locator("#profile-option")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task FixButton_WhenTheApiOffersFix_ShowsTheFixedFileAndItsAfterVerdict()
    {
        await using var app = await KestrelApp.StartAsync();
        var page = await chromium.NewPageAsync();
        var errors = new ConsoleErrors(page);
        // The real OpenAPI document plus the path issue 15 adds.
        await page.RouteAsync("**/openapi/v1.json", async route =>
        {
            var response = await route.FetchAsync();
            var doc = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(await response.TextAsync())!;
            var paths = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(doc["paths"].GetRawText())!;
            paths["/v1/fix/files"] = JsonSerializer.SerializeToElement(new { post = new { } });
            doc["paths"] = JsonSerializer.SerializeToElement(paths);
            await route.FulfillAsync(new RouteFulfillOptions { ContentType = "application/json", Body = JsonSerializer.Serialize(doc) });
        });
        string? fixRequest = null;
        await page.RouteAsync("**/v1/fix/files*", route =>
        {
            fixRequest = route.Request.Method + " " + route.Request.Url;
            return route.FulfillAsync(new RouteFulfillOptions
            {
                ContentType = "application/json",
                Body = """
                    {"profile":"heygen","plan":null,"summary":{"files":1,"passed":1,"failed":0,"durationMs":5},
                     "files":[{"path":"png-named.jpg","kind":"image","verdict":"fail","findings":[],
                       "fix":{"status":"fixed","output":"/staged/abc.png","operations":[{"op":"rename","detail":"png"}],
                              "lost":null,"after":{"verdict":"pass","sizeBytes":2236,"findings":[]},"reason":null}}]}
                    """,
            });
        });
        await page.GotoAsync(new Uri(app.Address, "/").ToString());
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        await page.GetByLabel("Choose files", new() { Exact = true }).SetInputFilesAsync(Failing);
        var card = page.Locator("article.card[data-name='png-named.jpg']");
        await Assertions.Expect(card).ToHaveAttributeAsync("data-verdict", "fail");
        await card.GetByRole(AriaRole.Button, new() { Name = "Fix png-named.jpg" }).ClickAsync();

        var result = card.Locator(".fix-result");
        await Assertions.Expect(result).ToContainTextAsync("fixed.");
        await Assertions.Expect(result.GetByRole(AriaRole.Link, new() { Name = "Download the fixed file" })).ToHaveAttributeAsync("href", "/staged/abc.png");
        await Assertions.Expect(result.Locator(".badge")).ToHaveTextAsync("Pass");
        Assert.StartsWith("POST ", fixRequest);
        Assert.Empty(errors.All);
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
