using System.Text.Json.Nodes;
using Json.Schema;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Rules;

/// <summary>Profiles as documents: built-ins, the schema, inheritance, validation errors and the digest.</summary>
public sealed class ProfileCatalogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("preflight-profiles-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string json)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, json);
        return path;
    }

    public static TheoryData<string> BuiltInFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src", "Preflight.Core", "Rules", "Profiles"), "*.json"))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(BuiltInFiles))]
    public void BuiltInProfile_ValidatesAgainstTheSchemaInDocs(string file)
    {
        var schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "profile.schema.json")),
            new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        var document = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Preflight.Core", "Rules", "Profiles", file)))!;

        var results = schema.Evaluate(System.Text.Json.JsonSerializer.SerializeToElement(document), new EvaluationOptions { OutputFormat = OutputFormat.List });

        Assert.True(results.IsValid, string.Join("; ", (results.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    [Fact]
    public void BuiltIn_ResolvedDocumentsValidateAgainstTheSchema()
    {
        // At run time the built-ins skip the schema (it is slow to load); this is where they are held to it,
        // inheritance applied, exactly as a user profile is.
        var schema = JsonSchema.FromText(ProfileCatalog.SchemaText, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        foreach (var name in ProfileCatalog.BuiltIn.Names)
        {
            var results = schema.Evaluate(System.Text.Json.JsonSerializer.SerializeToElement(ProfileCatalog.BuiltIn.DocumentOf(name)),
                new EvaluationOptions { OutputFormat = OutputFormat.List });
            Assert.True(results.IsValid, name + ": " + string.Join("; ", (results.Details ?? []).Where(d => d.Errors is not null)
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
        }
    }

    [Fact]
    public void BuiltIn_HasHeyGenFirstAndAtLeastThreeOtherVendors()
    {
        var names = ProfileCatalog.BuiltIn.Names;
        Assert.Equal("heygen", names[0]);
        Assert.Superset(new HashSet<string> { "heygen", "runway", "tavus", "ltx", "minimax" }, names.ToHashSet());
    }

    [Theory]
    [InlineData("runway")]
    [InlineData("tavus")]
    [InlineData("ltx")]
    [InlineData("minimax")]
    public void VendorProfile_EveryNumberHasItsUrlQuoteAndDate(string name)
    {
        var document = ProfileCatalog.BuiltIn.DocumentOf(name);
        var limits = Limits(document).ToList();
        Assert.NotEmpty(limits);
        foreach (var (path, limit) in limits)
        {
            Assert.False(string.IsNullOrWhiteSpace((string?)limit["source"]), path);
            Assert.StartsWith("https://", (string?)limit["url"], StringComparison.Ordinal);
            Assert.Equal("2026-12-02", (string?)limit["read"]);
        }
    }

    private static IEnumerable<(string Path, JsonObject Limit)> Limits(JsonNode? node, string path = "")
    {
        if (node is not JsonObject obj) yield break;
        if (obj.ContainsKey("value") && obj.ContainsKey("source")) { yield return (path, obj); yield break; }
        foreach (var (key, child) in obj)
        {
            foreach (var found in Limits(child, path + "/" + key)) yield return found;
        }
    }

    [Fact]
    public void Digest_IsStableAndChangesWithAnyRule()
    {
        var heygen = Profile.HeyGen;
        Assert.StartsWith("sha256:", heygen.Digest, StringComparison.Ordinal);
        Assert.Equal(heygen.Digest, ProfileCatalog.BuiltIn.Get("heygen").Digest);

        var same = Write("same.json", """{ "extends": "heygen", "name": "same" }""");
        var changed = Write("changed.json", """{ "extends": "heygen", "name": "changed", "kinds": { "image": { "maxBytes": { "value": 49999999 } } } }""");
        var catalog = ProfileCatalog.Create([same, changed]);

        Assert.NotEqual(catalog.Get("same").Digest, catalog.Get("changed").Digest);
        Assert.Equal(catalog.Get("same").Digest, ProfileCatalog.Create([same]).Get("same").Digest);
    }

    [Fact]
    public void Extends_OverridesOneFieldByItsPathAndKeepsTheRest()
    {
        var file = Write("acme.json", """
            {
              "extends": "heygen",
              "name": "acme",
              "title": "HeyGen with Acme's enterprise limits",
              "kinds": { "image": { "maxBytes": { "value": 20000000, "source": "Acme contract, annex 2" } } }
            }
            """);

        var acme = ProfileCatalog.Create([file]).Get("acme");

        Assert.Equal(20_000_000, acme.LimitsFor(AssetKind.Image)!.MaxBytesRule!.Value);
        Assert.Equal("Acme contract, annex 2", acme.LimitsFor(AssetKind.Image)!.MaxBytesRule!.Source);
        Assert.Equal(Profile.HeyGen.LimitsFor(AssetKind.Video)!.MaxBytesRule, acme.LimitsFor(AssetKind.Video)!.MaxBytesRule);
        Assert.Equal(Profile.HeyGen.LimitsFor(AssetKind.Image)!.Extensions, acme.LimitsFor(AssetKind.Image)!.Extensions);
        Assert.Equal(Profile.HeyGen.PlanOrder, acme.PlanOrder);
        Assert.Equal("heygen", acme.Extends);
    }

    [Fact]
    public void Extends_ValueWithoutSource_SaysItOverridesTheParent()
    {
        var file = Write("acme.json", """{ "extends": "heygen", "name": "acme", "kinds": { "image": { "maxBytes": { "value": 20000000 } } } }""");

        var limit = ProfileCatalog.Create([file]).Get("acme").LimitsFor(AssetKind.Image)!.MaxBytesRule!;

        Assert.Equal(20_000_000, limit.Value);
        Assert.Contains("overriding 'heygen'", limit.Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Extends_NullRemovesARule()
    {
        var file = Write("nolimit.json", """{ "extends": "heygen", "name": "nolimit", "kinds": { "audio": { "maxDurationSeconds": null } } }""");

        Assert.Null(ProfileCatalog.Create([file]).Get("nolimit").LimitsFor(AssetKind.Audio)!.MaxDurationSeconds);
    }

    [Fact]
    public void Extends_ChainsThroughUserProfilesInAnyOrder()
    {
        var child = Write("b.json", """{ "extends": "a", "name": "b", "kinds": { "video": { "minDurationSeconds": { "value": 5, "source": "b" } } } }""");
        var parent = Write("a.json", """{ "extends": "tavus", "name": "a", "kinds": { "video": { "videoCodecs": { "value": ["h264", "hevc"], "source": "a" } } } }""");

        var b = ProfileCatalog.Create([child, parent]).Get("b");

        Assert.Equal(5, b.LimitsFor(AssetKind.Video)!.MinDurationSeconds!.Value);
        Assert.Equal(["h264", "hevc"], b.LimitsFor(AssetKind.Video)!.VideoCodecs!.Value);
        Assert.Equal(749_999_999, b.LimitsFor(AssetKind.Video)!.MaxBytesRule!.Value);
    }

    [Fact]
    public void Folder_LoadsEveryJsonFile()
    {
        Write("one.json", """{ "extends": "heygen", "name": "one" }""");
        Write("two.json", """{ "extends": "runway", "name": "two" }""");

        var catalog = ProfileCatalog.Create([_folder]);

        Assert.Contains("one", catalog.Names);
        Assert.Contains("two", catalog.Names);
    }

    [Theory]
    [InlineData("""{ "extends": "heygen", "name": "x", "kinds": { "image": { "maxByte": { "value": 1, "source": "s" } } } }""", "/kinds/image/maxByte", "unknown key 'maxByte'")]
    [InlineData("""{ "extends": "heygen", "name": "x", "kinds": { "image": { "maxBytes": { "value": "big", "source": "s" } } } }""", "/kinds/image/maxBytes/value", "integer")]
    [InlineData("""{ "extends": "heygen", "name": "x", "kinds": { "image": { "maxBytes": { "value": -1, "source": "s" } } } }""", "/kinds/image/maxBytes/value", "0")]
    [InlineData("""{ "extends": "heygen", "name": "x", "kinds": { "image": { "minWidth": { "value": 10 } } } }""", "/kinds/image/minWidth", "source")]
    [InlineData("""{ "extends": "heygen", "name": "x", "kinds": { "image": { "extensions": { ".webp": "webpp" } } } }""", "/kinds/image/extensions/.webp", "")]
    [InlineData("""{ "extends": "heygen", "name": "x", "kinds": { "sound": { } } }""", "/kinds/sound", "unknown key 'sound'")]
    [InlineData("""{ "extends": "heygen", "name": "x", "colour": "red" }""", "/colour", "unknown key 'colour'")]
    [InlineData("""{ "extends": "nosuch", "name": "x" }""", "/extends", "nosuch")]
    [InlineData("""{ "extends": "heygen" }""", "/name", "required")]
    [InlineData("""{ "extends": "heygen", "name": "heygen" }""", "/name", "already")]
    [InlineData("""{ "name": "x", "title": "t", "source": "s", "kinds": { } }""", "/", "megabyte")]
    [InlineData("""{ "extends": "heygen", "name": "x", "kinds": { "image": { "minWidth": { "value": 900, "source": "s" }, "maxWidth": { "value": 800, "source": "s" } } } }""", "/kinds/image/minWidth/value", "800")]
    [InlineData("""{ "extends": "heygen", "name": "x", """, "", "not valid JSON")]
    public void Validate_BadDocument_NamesFileJsonPathAndWhatWasExpected(string json, string path, string expected)
    {
        var file = Write("bad.json", json);

        var errors = ProfileCatalog.BuiltIn.Validate(file);

        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.Equal(file, e.File));
        Assert.True(errors.Any(e => e.Path == path && e.Message.Contains(expected, StringComparison.Ordinal)), string.Join(" | ", errors));
        var thrown = Assert.Throws<ProfileException>(() => ProfileCatalog.Create([file]));
        Assert.DoesNotContain("   at ", thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_Cycle_IsAnError()
    {
        var a = Write("a.json", """{ "extends": "b", "name": "a" }""");
        var b = Write("b.json", """{ "extends": "a", "name": "b" }""");

        var error = Assert.Throws<ProfileException>(() => ProfileCatalog.Create([a, b]));

        Assert.Contains(error.Errors, e => e.Path == "/extends" && e.Message.Contains("cycle", StringComparison.Ordinal));
    }

    [Fact]
    public void Resolve_NameFileOrUnknown()
    {
        var file = Write("mine.json", """{ "extends": "heygen", "name": "mine" }""");

        Assert.Equal("runway", ProfileCatalog.BuiltIn.Resolve("runway").Name);
        Assert.Equal("runway", ProfileCatalog.BuiltIn.Resolve("RUNWAY").Name);
        Assert.Equal("mine", ProfileCatalog.BuiltIn.Resolve(file).Name);
        var unknown = Assert.Throws<UnknownProfileException>(() => ProfileCatalog.BuiltIn.Resolve("nosuch"));
        Assert.Contains("heygen", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("runway", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPath_IsAnErrorNotIgnored()
    {
        var error = Assert.Throws<ProfileException>(() => ProfileCatalog.Create([Path.Combine(_folder, "nope.json")]));
        Assert.Contains("no such file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeyGen_ResolvedDocumentEqualsItsFile()
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Preflight.Core", "Rules", "Profiles", "heygen.json")))!;
        Assert.True(JsonNode.DeepEquals(file, ProfileCatalog.BuiltIn.DocumentOf("heygen")));
    }

    [Fact]
    public void KindWithoutAFormatList_AcceptsItsFamily()
    {
        var runway = ProfileCatalog.BuiltIn.Get("runway");

        Assert.Equal(AssetKind.Video, runway.KindFromExtension(".mov"));
        Assert.Equal(AssetKind.Image, runway.KindFromExtension(".webp"));
        Assert.Equal(AssetKind.Unknown, runway.KindFromExtension(".pdf"));
        Assert.Equal(AssetKind.Audio, runway.KindAccepting("flac"));
    }

    [Fact]
    public void KindWithoutSizeLimit_IsReadUpToTheLargestOfTheProfile()
    {
        var tavus = ProfileCatalog.BuiltIn.Get("tavus");

        Assert.Null(tavus.LimitsFor(AssetKind.Image)!.MaxBytesRule);
        Assert.Equal(749_999_999, tavus.LimitsFor(AssetKind.Image)!.MaxBytes.Value);
        Assert.Empty(FileRules.Size(tavus, AssetKind.Image, "big.png", 900_000_000, null));
    }
}
