using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Preflight.Core.Rules;

namespace Preflight.Core.Tests.Rules;

/// <summary>
/// The in-house evaluator of <c>docs/profile.schema.json</c>: each keyword alone, the messages users read, the
/// refusal of keywords it does not know, and a seeded differential run against JsonSchema.Net (the reference
/// implementation, a test-only dependency) over thousands of mutated built-in profiles.
/// </summary>
public sealed class ProfileSchemaTests
{
    private static List<(string Path, string Message)> Evaluate(string schema, string instance)
    {
        var node = ProfileSchema.Load(schema);
        using var document = JsonDocument.Parse(instance);
        var errors = new List<(string Path, string Message)>();
        var valid = node.Evaluate(document.RootElement, "", errors);
        Assert.Equal(valid, errors.Count == 0);
        return errors;
    }

    private static bool ReferenceIsValid(string schema, string instance)
    {
        using var document = JsonDocument.Parse(instance);
        return JsonSchema.FromText(schema, new BuildOptions { SchemaRegistry = new SchemaRegistry() })
            .Evaluate(document.RootElement).IsValid;
    }

    public static TheoryData<string, string, string, string, string> Keywords() => new()
    {
        // keyword, schema, passing instance, failing instance, (failing path | message fragment)
        { "type", """{"type": "string"}""", "\"a\"", "1", "|expected a string, found 1" },
        { "type integer", """{"type": "integer"}""", "5", "5.5", "|expected an integer, found 5.5" },
        { "type integer written with a fraction", """{"type": "integer"}""", "5.0", "\"5\"", "|expected an integer, found the string '5'" },
        { "type integer in exponent form", """{"type": "integer"}""", "5e2", "5e-1", "|expected an integer" },
        { "type array of types", """{"type": ["string", "null"]}""", "null", "true", "|expected a string or null, found true" },
        { "type number", """{"type": "number"}""", "0.5", "\"0.5\"", "|expected a number" },
        { "type boolean", """{"type": "boolean"}""", "false", "0", "|expected true or false, found 0" },
        { "type object", """{"type": "object"}""", "{}", "[]", "|expected an object, found an array" },
        { "type array", """{"type": "array"}""", "[]", "{}", "|expected an array, found an object" },
        { "properties", """{"properties": {"a": {"type": "integer"}}}""", """{"a": 1, "b": "x"}""", """{"a": "x"}""", "/a|expected an integer" },
        { "additionalProperties false", """{"properties": {"a": {}}, "additionalProperties": false}""", """{"a": 1}""", """{"a": 1, "b": 2}""", "/b|unknown key 'b': docs/profile.schema.json has no such rule or field here" },
        { "additionalProperties schema", """{"properties": {"a": {}}, "additionalProperties": {"type": "integer"}}""", """{"a": "x", "b": 2}""", """{"b": "2"}""", "/b|expected an integer" },
        { "required", """{"required": ["a", "b"]}""", """{"a": 1, "b": null}""", """{"a": 1}""", "|missing required key 'b'" },
        { "anyOf", """{"anyOf": [{"type": "null"}, {"type": "integer"}]}""", "null", "\"x\"", "|expected null or an integer" },
        { "enum", """{"enum": ["mp4", "mov"]}""", "\"mov\"", "\"MP4\"", "|expected one of \"mp4\", \"mov\"; found the string 'MP4'" },
        { "items", """{"items": {"type": "string"}}""", """["a", "b"]""", """["a", 2]""", "/1|expected a string, found 2" },
        { "minItems", """{"minItems": 1}""", "[0]", "[]", "|expected at least 1 item, found 0" },
        { "minLength", """{"minLength": 1}""", "\"x\"", "\"\"", "|expected a non-empty string" },
        { "minLength in code points", """{"minLength": 2}""", "\"ab\"", "\"\uD83D\uDE00\"", "|expected at least 2 characters, found 1" },
        { "minProperties", """{"minProperties": 1}""", """{"a": 1}""", "{}", "|expected at least 1 key, found 0" },
        { "minimum", """{"minimum": 0}""", "0", "-0.5", "|expected at least 0, found -0.5" },
        { "pattern", """{"pattern": "^[a-z]+$"}""", "\"acme\"", "\"Acme\"", "|'Acme' does not match the pattern ^[a-z]+$" },
        { "pattern is unanchored", """{"pattern": "b"}""", "\"abc\"", "\"acd\"", "|'acd' does not match the pattern b" },
        { "propertyNames", """{"propertyNames": {"pattern": "^[a-z]+$"}}""", """{"gold": 1}""", """{"Gold": 1}""", "/Gold|key 'Gold' does not match the pattern ^[a-z]+$" },
        { "$ref and $defs", """{"$defs": {"n": {"type": "integer"}}, "properties": {"a": {"$ref": "#/$defs/n"}}}""", """{"a": 1}""", """{"a": 1.5}""", "/a|expected an integer" },
        { "keywords apply to their types only", """{"minimum": 0, "minLength": 1, "minItems": 1, "required": ["a"], "pattern": "x"}""", "\"x\"", "-1", "|expected at least 0" },
        { "annotations are ignored", """{"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://x.test/s", "title": "t", "description": "d", "type": "null"}""", "null", "0", "|expected null" },
        { "escaped pointer tokens", """{"properties": {"a/b": {"type": "null"}}}""", """{"a/b": null}""", """{"a/b": 1}""", "/a~1b|expected null" },
    };

    [Theory]
    [MemberData(nameof(Keywords))]
    public void Keyword_PassingAndFailingInstance_AgreeWithTheReferenceAndNameThePlace(string keyword, string schema, string passing, string failing, string expected)
    {
        var (path, message) = (expected[..expected.IndexOf('|')], expected[(expected.IndexOf('|') + 1)..]);

        Assert.Empty(Evaluate(schema, passing));
        var errors = Evaluate(schema, failing);

        Assert.True(errors.Any(e => e.Path == path && e.Message.Contains(message, StringComparison.Ordinal)),
            $"{keyword}: {string.Join(" | ", errors)}");
        Assert.True(ReferenceIsValid(schema, passing), keyword);
        Assert.False(ReferenceIsValid(schema, failing), keyword);
    }

    [Theory]
    [InlineData("""{"maximum": 3}""", "'maximum'")]
    [InlineData("""{"properties": {"a": {"oneOf": [{}]}}}""", "/properties/a/oneOf")]
    [InlineData("""{"$ref": "https://example.test/other.json"}""", "only local references")]
    [InlineData("""{"$ref": "#/$defs/missing"}""", "no definition '#/$defs/missing'")]
    [InlineData("""{"properties": {"a": {"$defs": {}}}}""", "root only")]
    [InlineData("""{"type": "float"}""", "unknown type 'float'")]
    [InlineData("""{"minLength": -1}""", "non-negative integer")]
    [InlineData("""{"items": 3}""", "object or a boolean")]
    public void Load_KeywordOrValueItDoesNotEvaluate_Throws(string schema, string expected)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ProfileSchema.Load(schema));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TheSchemaInDocs_UsesOnlyKeywordsItEvaluates()
    {
        var schema = ProfileSchema.Load(ProfileCatalog.SchemaText);

        foreach (var name in ProfileCatalog.BuiltIn.Names)
        {
            using var document = JsonDocument.Parse(ProfileCatalog.BuiltIn.DocumentOf(name).ToJsonString());
            var errors = new List<(string Path, string Message)>();
            Assert.True(schema.Evaluate(document.RootElement, "", errors), name + ": " + string.Join(" | ", errors));
        }
    }

    [Fact]
    public void Validate_NullOrRuleThatIsNeither_SaysSoOnceWithoutTheNullBranchNoise()
    {
        var document = ProfileCatalog.BuiltIn.DocumentOf("heygen");
        document["kinds"]!["image"]!["maxBytes"] = "big";

        var errors = ProfileSchema.Validate(document, "acme.json");

        var error = Assert.Single(errors);
        Assert.Equal(new ProfileError("acme.json", "/kinds/image/maxBytes", "expected null or a rule object {\"value\": ..., \"source\": \"...\"}"), error);
    }

    [Fact]
    public void Validate_RuleWithABadField_SaysWhatIsWrongInsideTheRule()
    {
        var document = ProfileCatalog.BuiltIn.DocumentOf("heygen");
        document["kinds"]!["image"]!["maxBytes"] = new JsonObject { ["value"] = "big", ["source"] = "s" };

        var errors = ProfileSchema.Validate(document, "acme.json");

        Assert.Contains(errors, e => e.Path == "/kinds/image/maxBytes/value" && e.Message == "expected an integer, found the string 'big'");
        Assert.DoesNotContain(errors, e => e.Message.StartsWith("expected null, found", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_MissingRequiredKeys_OneErrorEachAtTheObject()
    {
        var document = new JsonObject { ["name"] = "x", ["title"] = "t" };

        var errors = ProfileSchema.Validate(document, "x.json");

        Assert.Equal(["missing required key 'source'", "missing required key 'megabyte'", "missing required key 'kinds'"],
            errors.Where(e => e.Path == "/").Select(e => e.Message));
    }

    [Fact]
    public void Validate_LoneSurrogate_IsAnErrorNotACrash()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("preflight-schema-").FullName, "odd.json");
        File.WriteAllText(file, """{ "extends": "heygen", "name": "odd", "title": "\ud800" }""");

        var errors = ProfileCatalog.BuiltIn.Validate(file);

        Assert.Contains(errors, e => e.Path == "/" && e.Message.Contains("not valid Unicode", StringComparison.Ordinal));
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }

    [Fact]
    public void Pattern_DollarIsTheEndOfTheText_AsInEcma262()
    {
        // .NET's $ also matches before a final "\n" (JsonSchema.Net 8 accepts "acme\n" as a name); ECMA-262 does not.
        Assert.Equal(@"^[a-z$]+\z", ProfileSchema.EcmaToDotNet("^[a-z$]+$"));
        Assert.Equal(@"a\$\z", ProfileSchema.EcmaToDotNet(@"a\$$"));
        Assert.True(ReferenceIsValid("""{"pattern": "^[a-z]+$"}""", "\"acme\\n\""), "the reference's reading of $ changed: the differential may now include trailing newlines");
        Assert.NotEmpty(Evaluate("""{"pattern": "^[a-z]+$"}""", "\"acme\\n\""));
        var document = ProfileCatalog.BuiltIn.DocumentOf("heygen");
        document["name"] = "acme\n";

        var errors = ProfileSchema.Validate(document, "x.json");

        Assert.Contains(errors, e => e.Path == "/name" && e.Message.Contains("does not match the pattern", StringComparison.Ordinal));
    }

    // ---- differential: our verdict against JsonSchema.Net's on mutated built-in profiles ----

    private const int MutantCount = 2400;

    [Fact]
    public void Differential_MutatedBuiltInProfiles_SameVerdictAsJsonSchemaNet()
    {
        var reference = JsonSchema.FromText(ProfileCatalog.SchemaText, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        var disagreements = new List<string>();
        var misplaced = new List<string>();
        var (valid, invalid) = (0, 0);

        foreach (var (label, document) in Mutants())
        {
            var ours = ProfileSchema.Validate(document, "m.json");
            using var parsed = JsonDocument.Parse(document.ToJsonString());
            var theirs = reference.Evaluate(parsed.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });

            if (theirs.IsValid) valid++;
            else invalid++;
            if ((ours.Count == 0) != theirs.IsValid)
            {
                disagreements.Add($"{label}: ours {(ours.Count == 0 ? "valid" : string.Join(" | ", ours))}; JsonSchema.Net {(theirs.IsValid ? "valid" : "invalid")}");
                continue;
            }
            if (theirs.IsValid) continue;
            var failing = (theirs.Details ?? []).Where(d => !d.IsValid).Select(d => d.InstanceLocation.ToString()).ToHashSet(StringComparer.Ordinal);
            foreach (var error in ours)
            {
                var at = error.Path == "/" ? "" : error.Path;
                if (!failing.Contains(at)) misplaced.Add($"{label}: {error} (JsonSchema.Net fails at {string.Join(", ", failing)})");
            }
        }

        Assert.True(disagreements.Count == 0, $"{disagreements.Count} disagreements:\n" + string.Join("\n", disagreements.Take(15)));
        Assert.True(misplaced.Count == 0, $"{misplaced.Count} misplaced:\n" + string.Join("\n", misplaced.Take(15)));
        Assert.True(valid >= MutantCount / 5 && invalid >= MutantCount / 5, $"{valid} valid, {invalid} invalid");
    }

    /// <summary>Every built-in as it is, then <see cref="MutantCount"/> copies with 1–3 seeded mutations each.</summary>
    private static IEnumerable<(string Label, JsonObject Document)> Mutants()
    {
        var names = ProfileCatalog.BuiltIn.Names;
        foreach (var name in names) yield return (name, ProfileCatalog.BuiltIn.DocumentOf(name));
        for (var seed = 1; seed <= MutantCount; seed++)
        {
            var random = new Random(seed);
            var name = names[seed % names.Count];
            var document = ProfileCatalog.BuiltIn.DocumentOf(name);
            var done = new List<string>();
            var count = random.Next(10) < 6 ? 1 : 1 + random.Next(1, 3);
            for (var i = 0; i < count; i++) done.Add(Mutate(document, random));
            yield return ($"seed {seed} ({name}): {string.Join("; ", done)}", document);
        }
    }

    private static readonly string[] Strings =
    [
        "", " ", "x", "acme", "Acme", "a b", "-x", "x.y_z-1", new string('a', 64), new string('a', 65), "http://x.test", "https://x.test",
        "2026-1-2", "2026-12-02", "webpp", "MP4", "mp4", "webp", "h264", ".webp", "gold", "\uD83D\uDE00",
    ];

    private static readonly string[] Keys =
    [
        "colour", "maxByte", "maxBytes", "value", "source", "note", "url", "read", "Bad Name", "gold", "gold-2", ".webp", ".WEBP", "webp",
        "video", "sound", "$schema", "perCall", "title", "extensions", "minWidth",
    ];

    private static JsonNode? AnyValue(Random random) => random.Next(14) switch
    {
        0 => JsonValue.Create(Strings[random.Next(Strings.Length)]),
        1 => JsonValue.Create(0),
        2 => JsonValue.Create(-1),
        3 => JsonValue.Create(1.5),
        4 => JsonNode.Parse("2.0"),
        5 => JsonValue.Create(random.Next(2) == 0),
        6 => null,
        7 => new JsonObject(),
        8 => new JsonArray(),
        9 => new JsonArray("h264", "hevc"),
        10 => new JsonObject { ["value"] = 1, ["source"] = "s" },
        11 => new JsonObject { ["value"] = 2.5, ["source"] = "s", ["note"] = null },
        12 => new JsonObject { ["value"] = true, ["source"] = "s", ["url"] = "https://x.test", ["read"] = "2026-12-02" },
        _ => new JsonObject { ["source"] = "s" },
    };

    private static string Mutate(JsonObject document, Random random)
    {
        var places = new List<(JsonNode Parent, string? Key, int Index, string Path)>();
        Collect(document, "", places);
        var (parent, key, index, path) = places[random.Next(places.Count)];
        var node = key is not null ? parent[key] : parent[index];

        void Set(JsonNode? value)
        {
            if (key is not null) parent[key] = value;
            else parent[index] = value;
        }

        if (random.Next(3) == 0) return Benign(document, places, random);

        switch (random.Next(10))
        {
            case 0:
                if (key is not null) ((JsonObject)parent).Remove(key);
                else ((JsonArray)parent).RemoveAt(index);
                return $"delete {path}";
            case 1:
                var value = AnyValue(random);
                Set(value);
                return $"{path} = {value?.ToJsonString() ?? "null"}";
            case 2:
                Set(null);
                return $"{path} = null";
            case 3 when node is JsonValue number && number.GetValueKind() == JsonValueKind.Number:
                var replacement = new[] { "0", "-1", "-0.001", "1.5", "1e3", "2.0", "12345678901234567890" }[random.Next(7)];
                Set(JsonNode.Parse(replacement));
                return $"{path} = {replacement}";
            case 4 when node is JsonValue text && text.GetValueKind() == JsonValueKind.String:
                var other = Strings[random.Next(Strings.Length)];
                Set(other);
                return $"{path} = \"{other}\"";
            case 5 when node is JsonObject obj:
                var newKey = Keys[random.Next(Keys.Length)];
                var added = AnyValue(random);
                obj[newKey] = added;
                return $"{path}/{newKey} = {added?.ToJsonString() ?? "null"}";
            case 6 when node is JsonObject obj:
                obj.Clear();
                return $"{path} = {{}}";
            case 7 when node is JsonArray array:
                if (random.Next(2) == 0) array.Clear();
                else array.Add(AnyValue(random));
                return $"{path} = {array.ToJsonString()}";
            case 8 when key is not null:
                var renamed = random.Next(3) switch { 0 => key.ToUpperInvariant(), 1 => key + "x", _ => Keys[random.Next(Keys.Length)] };
                var moved = parent[key];
                ((JsonObject)parent).Remove(key);
                ((JsonObject)parent)[renamed] = moved;
                return $"rename {path} to {renamed}";
            case 9:
                // Another place's value here: right shapes in the wrong places, and sometimes a valid swap.
                var (donorParent, donorKey, donorIndex, donorPath) = places[random.Next(places.Count)];
                var donor = (donorKey is not null ? donorParent[donorKey] : donorParent[donorIndex])?.DeepClone();
                if (donorPath.StartsWith(path + "/", StringComparison.Ordinal) || donorPath == path) return $"keep {path}";
                Set(donor);
                return $"{path} = copy of {donorPath}";
            default:
                Set(AnyValue(random));
                return $"{path} = any";
        }
    }

    private static readonly HashSet<string> Optional =
    [
        "note", "url", "read", "extensions", "extensionsSource", "maxBytes", "maxUrlBytes", "minWidth", "maxWidth", "minHeight",
        "maxHeight", "maxMegapixels", "videoCodecs", "audioCodecs", "maxDurationSeconds", "minDurationSeconds", "url", "jobs", "plans",
        "planOrder", "maxVideoSeconds", "monthlyCredits", "outputFrameRate",
    ];

    /// <summary>Changes a valid profile is likely to survive, so that the run holds plenty of valid documents too.</summary>
    private static string Benign(JsonObject document, List<(JsonNode Parent, string? Key, int Index, string Path)> places, Random random)
    {
        var values = places.Where(p => p.Key == "value" && p.Parent[p.Key] is JsonValue v && v.GetValueKind() == JsonValueKind.Number).ToList();
        var optional = places.Where(p => p.Key is not null && Optional.Contains(p.Key)).ToList();
        switch (random.Next(3))
        {
            case 0 when values.Count > 0:
                var (parent, key, _, path) = values[random.Next(values.Count)];
                var number = random.Next(100_000);
                parent[key!] = number;
                return $"{path} = {number}";
            case 1 when optional.Count > 0:
                var (from, name, _, where) = optional[random.Next(optional.Count)];
                if (random.Next(2) == 0)
                {
                    ((JsonObject)from).Remove(name!);
                    return $"delete {where}";
                }
                from[name!] = null;
                return $"{where} = null";
            default:
                var sources = places.Where(p => p.Key is "source" or "title" or "note").ToList();
                var (owner, field, _, at) = sources[random.Next(sources.Count)];
                owner[field!] = "changed \u00e9 text";
                return $"{at} = text";
        }
    }

    private static void Collect(JsonNode node, string path, List<(JsonNode Parent, string? Key, int Index, string Path)> places)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, child) in obj)
            {
                var here = path + "/" + ProfileSchema.Escape(key);
                places.Add((obj, key, -1, here));
                if (child is not null) Collect(child, here, places);
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                var here = path + "/" + i;
                places.Add((array, null, i, here));
                if (array[i] is { } child) Collect(child, here, places);
            }
        }
    }
}
