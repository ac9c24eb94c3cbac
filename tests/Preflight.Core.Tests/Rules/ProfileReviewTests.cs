using System.Text.Json;
using Preflight.Core.Rules;

namespace Preflight.Core.Tests.Rules;

/// <summary>Hostile profile documents: each is a list of errors (file, JSON path, what was expected), never an exception.</summary>
public sealed class ProfileReviewTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("preflight-profile-review-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string json)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, json);
        return path;
    }

    [Theory]
    [InlineData("""{"extends": "heygen", "name": "a", "name": "b"}""")]
    [InlineData("""{"extends": "heygen", "name": "a", "title": "x", "title": "y"}""")]
    [InlineData("""{"extends": "heygen", "name": "a", "kinds": {"video": {"maxWidth": {"value": 1, "source": "s"}, "maxWidth": {"value": 2, "source": "s"}}}}""")]
    public void Validate_DuplicateKey_NotValidJsonError(string json)
    {
        var file = Write("p.json", json);

        var error = Assert.Single(ProfileCatalog.BuiltIn.Validate(file));

        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.Throws<ProfileException>(() => ProfileCatalog.Create([file]));
    }

    [Theory]
    [InlineData("maxDurationSeconds", "1e400")]
    [InlineData("minDurationSeconds", "-1e400")]
    [InlineData("maxMegapixels", "1e309")]
    public void Validate_NumberPastDoubleRange_Error(string rule, string value)
    {
        var file = Write("p.json", "{\"extends\": \"heygen\", \"name\": \"a\", \"kinds\": {\"video\": {\"" + rule + "\": {\"value\": " + value + ", \"source\": \"s\"}}}}");

        var errors = ProfileCatalog.BuiltIn.Validate(file);

        Assert.Contains(errors, e => e.Path == $"/kinds/video/{rule}/value");
    }

    [Fact]
    public void Create_NumberPastDoubleRange_NeverAProfileThatCannotBeServed()
    {
        // Before: loaded as Infinity, then GET /v1/profiles/a and `profiles show --format json` threw while writing it.
        var file = Write("p.json", """{"extends": "heygen", "name": "a", "kinds": {"video": {"maxDurationSeconds": {"value": 1e400, "source": "s"}}}}""");

        Assert.Throws<ProfileException>(() => ProfileCatalog.Create([file]));
    }

    [Fact]
    public void Validate_DocumentPastTheSizeCap_ErrorWithoutParsingIt()
    {
        // Valid JSON, but no profile is a megabyte of text: reading stops at the cap (a device would never end).
        var file = Write("big.json", "{\"extends\": \"heygen\", \"name\": \"big\"" + new string(' ', ProfileCatalog.MaxFileChars) + "}");

        var error = Assert.Single(ProfileCatalog.BuiltIn.Validate(file));

        Assert.Contains("larger than 1 MiB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DocumentJustUnderTheSizeCap_Read()
    {
        var head = "{\"extends\": \"heygen\", \"name\": \"padded\"";
        var file = Write("padded.json", head + new string(' ', ProfileCatalog.MaxFileChars - head.Length - 1) + "}");

        Assert.Empty(ProfileCatalog.BuiltIn.Validate(file));
    }

    [Fact]
    public void Validate_EndlessDevice_ErrorInsteadOfFillingMemory()
    {
        var error = Assert.Single(ProfileCatalog.BuiltIn.Validate("/dev/zero"));

        Assert.Contains("larger than", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    public void Validate_MegabyteOfZeroBytes_Error(long bytes)
    {
        var file = Write("p.json", $$$"""{"extends": "heygen", "name": "a", "megabyte": {"value": {{{bytes}}}, "source": "s"}}""");

        var errors = ProfileCatalog.BuiltIn.Validate(file);

        Assert.Contains(errors, e => e.Path == "/megabyte/value");
    }

    [Theory]
    [InlineData("""{"extends": "heygen", "name": "a", "kinds": {"video": {"maxWidth": {"value": 1e400, "source": "s"}}}}""")]
    [InlineData("""{"extends": "heygen", "name": "a", "kinds": {"video": {"maxBytes": {"value": 99999999999999999999999, "source": "s"}}}}""")]
    [InlineData("""{"extends": "heygen", "name": "a", "kinds": {"video": {"maxBytes": {"value": -1, "source": "s"}}}}""")]
    [InlineData("""{"extends": "heygen", "name": "a", "kinds": {"video": {"minWidth": {"value": 2147483648, "source": "s"}}}}""")]
    [InlineData("""{"extends": "heygen", "name": "a\u0000b"}""")]
    [InlineData("""{"extends": "heygen", "name": "a/b"}""")]
    [InlineData("""{"extends": "../heygen", "name": "a"}""")]
    [InlineData("""{"extends": 5, "name": "a"}""")]
    [InlineData("""{"extends": "heygen", "name": "heygen"}""")]
    [InlineData("""{"extends": "heygen", "name": "a", "kinds": {"video": null, "image": null, "audio": null}}""")]
    [InlineData("""{"extends": "heygen", "name": "a", "unknown": 1}""")]
    [InlineData("""[1, 2]""")]
    public void Validate_HostileDocument_ErrorsNotException(string json)
    {
        var file = Write("p.json", json);

        Assert.NotEmpty(ProfileCatalog.BuiltIn.Validate(file));
    }

    [Fact]
    public void Create_ExtendsCycleAndDeepChain_ErrorsOrProfilesNeverAHang()
    {
        // A three-profile cycle, and a chain of 300 files each extending the one before.
        Write("c1.json", """{"extends": "c2", "name": "c1"}""");
        Write("c2.json", """{"extends": "c3", "name": "c2"}""");
        Write("c3.json", """{"extends": "c1", "name": "c3"}""");

        var cycle = Assert.Throws<ProfileException>(() => ProfileCatalog.Create([_folder]));
        Assert.Contains(cycle.Errors, e => e.Path == "/extends" && e.Message.Contains("cycle", StringComparison.Ordinal));

        foreach (var f in Directory.GetFiles(_folder)) File.Delete(f);
        for (var i = 0; i < 300; i++)
            Write($"d{i:D3}.json", $$"""{"extends": "{{(i == 0 ? "heygen" : $"d{i - 1:D3}")}}", "name": "d{{i:D3}}"}""");
        Assert.Equal("d299", ProfileCatalog.Create([_folder]).Get("d299").Name);
    }
}
