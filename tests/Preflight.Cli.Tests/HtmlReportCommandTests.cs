using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

public sealed class HtmlReportCommandTests
{
    [Fact]
    public async Task CheckFormatHtml_WritesOneSelfContainedFileWithPreviews()
    {
        using var temp = new TempDir();
        var assets = Directory.CreateDirectory(temp.File("assets")).FullName;
        File.Copy(RepoPaths.TestFile("valid", "image-320x180.jpg"), Path.Combine(assets, "poster.jpg"));
        File.Copy(RepoPaths.TestFile("mislabeled", "png-named.jpg"), Path.Combine(assets, "logo <b>.jpg"));
        var output = temp.File("report.html");

        var result = await CliRunner.RunAsync("check", assets, "--format", "html", "--output", output);

        Assert.Equal(1, result.ExitCode);
        var html = await File.ReadAllTextAsync(output);
        Assert.StartsWith("<!doctype html>", html);
        Assert.Contains("<h2 id=\"summary\">2 files: 1 passed, 1 failed</h2>", html);
        Assert.Contains("data:image/jpeg;base64,", html);
        Assert.Contains("Content-Security-Policy", html);
        // The user's file name is data, escaped inside the JSON: it can never become markup or close the script.
        Assert.DoesNotContain("logo <b>", html);
        Assert.Contains("logo \\u003Cb\\u003E.jpg", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("href=\"http", html);
    }

    [Fact]
    public async Task CheckFormatJson_HasNoPreviews()
    {
        var result = await CliRunner.RunAsync("check", RepoPaths.TestFile("valid", "image-320x180.jpg"), "--format", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("\"preview\"", result.Out);
    }
}
