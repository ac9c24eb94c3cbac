using Microsoft.Playwright;
using Preflight.TestSupport;

namespace Preflight.Browser.Tests;

/// <summary>
/// Screenshots the tests take, saved under <c>artifacts/browser/</c> at the repository root (CI keeps that folder).
/// The README's pictures in <c>docs/</c> are copies of these.
/// </summary>
internal static class Artifacts
{
    public static string Folder { get; } = Directory.CreateDirectory(Path.Combine(RepoPaths.Root, "artifacts", "browser")).FullName;

    public static async Task<string> ScreenshotAsync(IPage page, string name, bool fullPage = true)
    {
        var path = Path.Combine(Folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage });
        return path;
    }
}

/// <summary>Console errors and uncaught exceptions of a page: the tests require none.</summary>
internal sealed class ConsoleErrors
{
    private readonly List<string> _errors = [];

    public ConsoleErrors(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Type == "error") lock (_errors) _errors.Add(message.Text);
        };
        page.PageError += (_, error) => { lock (_errors) _errors.Add("uncaught: " + error); };
    }

    public IReadOnlyList<string> All { get { lock (_errors) return [.. _errors]; } }

    /// <summary>
    /// Errors other than Chromium's own "Failed to load resource: … status of N" line, which it logs for every
    /// 4xx/5xx answer, including the ones a test provokes on purpose.
    /// </summary>
    public IReadOnlyList<string> Except(int expectedStatus) =>
        All.Where(e => !e.Contains($"status of {expectedStatus}", StringComparison.Ordinal)).ToList();
}
