using System.Text.Json;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

/// <summary>Issue 12: the profiles command and --profile on check and job.</summary>
public sealed class ProfileSelectionTests
{
    [Fact]
    public async Task ProfilesList_NamesEveryBuiltInProfile()
    {
        var result = await CliRunner.RunAsync("profiles", "list");

        Assert.Equal(0, result.ExitCode);
        foreach (var name in new[] { "heygen", "runway", "tavus", "ltx", "minimax" }) Assert.Contains(name, result.Out);
    }

    [Fact]
    public async Task ProfilesShowJson_IsTheResolvedProfileWithItsSources()
    {
        var result = await CliRunner.RunAsync("profiles", "show", "tavus", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("tavus", json.RootElement.GetProperty("name").GetString());
        Assert.Contains("http", result.Out);
    }

    [Fact]
    public async Task ProfilesValidate_BadFile_Exit1WithTheJsonPath()
    {
        using var dir = new TempDir();
        dir.Write("bad.json", """{"name": "ours", "extends": "heygen", "kinds": {"image": {"maxBytes": {"value": "big"}}}}"""u8.ToArray());

        var result = await CliRunner.RunInAsync(dir.Path, "profiles", "validate", "bad.json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("maxBytes", result.Out + result.Error);
    }

    [Fact]
    public async Task Check_NamedProfile_IsTheOneTheReportNames()
    {
        using var dir = new TempDir();
        dir.Write("a.wav", TestMedia.Wav());

        var result = await CliRunner.RunInAsync(dir.Path, "check", "a.wav", "--profile", "tavus", "--format", "json");

        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("tavus", json.RootElement.GetProperty("profile").GetString());
    }

    [Theory]
    [InlineData("check")]
    [InlineData("fix")]
    public async Task PlanOfAUserProfile_IsAcceptedAndOneItLacksIsAUsageError(string command)
    {
        // The plan is checked against the profile --profile selects, not against the default one.
        using var dir = new TempDir();
        dir.Write("a.wav", TestMedia.Wav());
        dir.Write("acme.json", """
            {"name": "acme", "extends": "heygen", "planOrder": ["free", "pro", "scale", "enterprise", "gold"],
             "plans": {"gold": {"title": "Gold", "maxVideoSeconds": {"value": 3600, "source": "acme contract"},
               "maxShortSide": {"value": 2160, "source": "acme contract"}, "maxLongSide": {"value": 3840, "source": "acme contract"},
               "monthlyCredits": {"value": 1000, "source": "acme contract"}, "resolutionName": "4K"}}}
            """u8.ToArray());

        var gold = await CliRunner.RunInAsync(dir.Path, command, "a.wav", "--profile", dir.File("acme.json"), "--plan", "gold", "--format", "json");
        var platinum = await CliRunner.RunInAsync(dir.Path, command, "a.wav", "--profile", dir.File("acme.json"), "--plan", "platinum");
        var goldOnHeyGen = await CliRunner.RunInAsync(dir.Path, command, "a.wav", "--plan", "gold");

        Assert.True(gold.ExitCode is 0 or 1, gold.Error);
        Assert.Equal("acme", JsonDocument.Parse(gold.Out).RootElement.GetProperty("profile").GetString());
        Assert.Equal(2, platinum.ExitCode);
        Assert.Contains("unknown plan 'platinum'", platinum.Error);
        Assert.Contains("gold", platinum.Error);
        Assert.Equal(2, goldOnHeyGen.ExitCode);
        Assert.Contains("unknown plan 'gold'", goldOnHeyGen.Error);
    }

    [Theory]
    [InlineData("check")]
    [InlineData("job")]
    public async Task UnknownProfile_UsageErrorListingTheKnownNames(string command)
    {
        using var dir = new TempDir();
        dir.Write("a.wav", TestMedia.Wav());
        dir.Write("job.json", """{"endpoint": "video_generate", "request": {}}"""u8.ToArray());

        var result = await CliRunner.RunInAsync(dir.Path, command, command == "job" ? "job.json" : "a.wav", "--profile", "nosuch");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nosuch", result.Error);
        Assert.Contains("heygen", result.Error);
    }
}
