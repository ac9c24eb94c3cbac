namespace Preflight.Cli.Tests;

public sealed class ArgParserTests
{
    private static readonly string[] Values = ["--plan", "--output"];
    private static readonly string[] Flags = ["--deep"];

    private static ParsedArgs Parse(params string[] args) => ArgParser.Parse(args, Values, Flags, "preflight check --help");

    [Fact]
    public void Parse_OptionsAnywhere_SplitsValuesFlagsAndPaths()
    {
        var parsed = Parse("a", "--plan", "pro", "b", "--deep", "--output=r.json");

        Assert.Equal(["a", "b"], parsed.Positionals);
        Assert.Equal("pro", parsed.Value("--plan"));
        Assert.Equal("r.json", parsed.Value("--output"));
        Assert.True(parsed.Has("--deep"));
        Assert.False(parsed.Help);
    }

    [Fact]
    public void Parse_DoubleDash_TreatsTheRestAsPaths()
    {
        var parsed = Parse("--", "--deep", "-x");

        Assert.Equal(["--deep", "-x"], parsed.Positionals);
        Assert.False(parsed.Has("--deep"));
    }

    [Fact]
    public void Parse_SingleDash_IsAPath()
    {
        Assert.Equal(["-"], Parse("-").Positionals);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    public void Parse_Help_SetsHelp(string flag)
    {
        Assert.True(Parse("a", flag).Help);
    }

    [Theory]
    [InlineData("unknown option '--bogus'", "--bogus")]
    [InlineData("unknown option '-x'", "a", "-x")]
    [InlineData("option '--plan' needs a value", "a", "--plan")]
    [InlineData("option '--plan' needs a value", "a", "--plan", "--deep")]
    [InlineData("option '--plan' needs a value", "a", "--plan=")]
    [InlineData("option '--plan' is given more than once", "--plan", "pro", "--plan", "free")]
    [InlineData("option '--deep' is given more than once", "--deep", "--deep")]
    [InlineData("option '--deep' takes no value", "--deep=yes")]
    public void Parse_BadCommandLine_ThrowsUsageError(string message, params string[] args)
    {
        var error = Assert.Throws<CliUsageException>(() => Parse(args));

        Assert.Equal(message, error.Message);
        Assert.Equal("preflight check --help", error.HelpCommand);
    }
}
