using System.Collections;
using System.Text.RegularExpressions;
using Preflight.Cli.Check;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

/// <summary>
/// What the configuration is read from (<see cref="ConfigurationSources"/>): a replayed <c>check</c> recalls the
/// profile's sources by it instead of building the configuration, so every source that can change a
/// <c>Preflight:*</c> key must change it, and nothing else should.
/// </summary>
public sealed class ConfigurationSourcesTests
{
    private static readonly DateTimeOffset Later = DateTimeOffset.UtcNow.AddMinutes(10);

    private static Hashtable Environment(params (string Name, string Value)[] variables)
    {
        var table = new Hashtable { ["PATH"] = "/usr/bin", ["HOME"] = "/home/someone" };
        foreach (var (name, value) in variables) table[name] = value;
        return table;
    }

    private static string? Digest(TempDir folder, Hashtable environment, string[]? settings = null, KeyValuePair<string, string?>[]? overrides = null) =>
        ConfigurationSources.Digest(folder.Path, environment, settings ?? [], overrides ?? [], Later);

    [Fact]
    public void Digest_SameSources_Same_UnrelatedVariable_Same()
    {
        using var folder = new TempDir();
        folder.Write("appsettings.json", "{}"u8.ToArray());

        var first = Digest(folder, Environment());
        Assert.NotNull(first);
        Assert.Equal(first, Digest(folder, Environment()));
        Assert.Equal(first, Digest(folder, Environment(("OLDPWD", "/tmp"), ("TERM", "xterm"))));
    }

    [Theory]
    [InlineData("Preflight__Profile")]
    [InlineData("PREFLIGHT__PROFILEPATHS__0")]
    [InlineData("preflight:profile")]
    [InlineData("DOTNET_ENVIRONMENT")]
    [InlineData("ASPNETCORE_ENVIRONMENT")]
    public void Digest_AVariableThatReachesTheConfiguration_Changes(string name)
    {
        using var folder = new TempDir();

        Assert.NotEqual(Digest(folder, Environment()), Digest(folder, Environment((name, "tavus"))));
        Assert.NotEqual(Digest(folder, Environment((name, "a"))), Digest(folder, Environment((name, "b"))));
    }

    [Fact]
    public void Digest_CommandLineSettingsAndOverrides_Change()
    {
        using var folder = new TempDir();
        var plain = Digest(folder, Environment());

        Assert.NotEqual(plain, Digest(folder, Environment(), ["--Preflight:Profile=tavus"]));
        Assert.NotEqual(plain, Digest(folder, Environment(), overrides: [new("Preflight:Profile", "tavus")]));
        Assert.NotEqual(Digest(folder, Environment(), ["--Preflight:Profile=a"]), Digest(folder, Environment(), ["--Preflight:Profile=b"]));
    }

    [Fact]
    public void Digest_FieldsCannotRunIntoEachOther()
    {
        using var folder = new TempDir();

        // One variable whose value looks like a second variable, and the two variables themselves.
        var one = Digest(folder, Environment(("Preflight__A", "1\n12:env Preflight__B=1:2")));
        var two = Digest(folder, Environment(("Preflight__A", "1"), ("Preflight__B", "2")));
        Assert.NotEqual(one, two);
    }

    [Fact]
    public void Digest_SettingsFilesStatus_Changes()
    {
        using var folder = new TempDir();
        var none = Digest(folder, Environment());
        var settings = folder.Write("appsettings.json", "{}"u8.ToArray());
        File.SetLastWriteTimeUtc(settings, DateTime.UtcNow.AddHours(-1));
        var first = Digest(folder, Environment());
        File.WriteAllText(settings, """{"Preflight": {"Profile": "tavus"}}""");
        var edited = Digest(folder, Environment());
        var staging = Digest(folder, Environment(("DOTNET_ENVIRONMENT", "Staging")));
        folder.Write("appsettings.Staging.json", "{}"u8.ToArray());
        var withStagingFile = Digest(folder, Environment(("DOTNET_ENVIRONMENT", "Staging")));

        Assert.Equal(4, new[] { none, first, edited, staging }.Distinct().Count());
        Assert.NotEqual(staging, withStagingFile);
    }

    [Fact]
    public void Digest_SettingsFileJustWritten_NothingRecalled()
    {
        using var folder = new TempDir();
        folder.Write("appsettings.json", "{}"u8.ToArray());

        // Written now: a change in the same clock step might keep its status, so it does not stand for its content.
        Assert.Null(ConfigurationSources.Digest(folder.Path, Environment(), [], [], DateTimeOffset.UtcNow));
        Assert.NotNull(ConfigurationSources.Digest(folder.Path, Environment(), [], [], Later));
    }

    private static Task<CliResult> Check(TempDir cache, params string[] args) =>
        CliRunner.RunAsync(c => c with { CacheFolder = cache.Path }, ["check", .. args]);

    [Fact]
    public async Task Check_ProfileSetOnTheCommandLine_RecalledPerSetting_NeverAnotherProfilesAnswer()
    {
        using var files = new TempDir();
        using var cache = new TempDir();
        files.Write("a.wav", TestMedia.Wav());
        await Task.Delay(ReportReplay.FineMargin * 3);
        Task<CliResult> Run(string profile, TempDir? other = null) =>
            Check(other ?? cache, files.Path, "--format", "json", "--Preflight:Profile=" + profile);

        var heygen = await Run("heygen");
        var replayed = await Run("heygen");
        var tavus = await Run("tavus");
        var tavusAgain = await Run("tavus");
        var heygenAgain = await Run("heygen");
        using var fresh = new TempDir();
        var tavusFresh = await Run("tavus", fresh);

        Assert.Equal(2, Directory.GetFiles(Path.Combine(cache.Path, "v2", "profiles"), "*.sources").Length);
        Assert.Contains("\"profile\": \"heygen\"", heygen.Out, StringComparison.Ordinal);
        Assert.Contains("\"cached\": true", replayed.Out, StringComparison.Ordinal);
        Assert.Equal(Normal(replayed.Out), Normal(heygenAgain.Out));
        // The first tavus run is inspected under tavus (nothing cached for it), exactly as with an empty cache.
        Assert.Contains("\"profile\": \"tavus\"", tavus.Out, StringComparison.Ordinal);
        Assert.Equal(Normal(tavusFresh.Out), Normal(tavus.Out));
        Assert.Contains("\"profile\": \"tavus\"", tavusAgain.Out, StringComparison.Ordinal);
        Assert.Contains("\"cached\": true", tavusAgain.Out, StringComparison.Ordinal);
    }

    private static string Normal(string report) => Regex.Replace(report, "\"durationMs\": \\d+", "\"durationMs\": 0");
}
