using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Preflight.Core.Rules;

/// <summary>
/// <c>docs/profile.schema.json</c> applied to a resolved profile document. A small JSON Schema (draft 2020-12)
/// evaluator for exactly the keywords that schema uses: a general-purpose library's module initializer cost ~20 ms
/// of every start of the Native AOT binary, although a schema is only needed when a user profile is read.
/// A keyword this class does not evaluate makes loading the schema throw, so a schema edit cannot be silently
/// ignored (ProfileSchemaTests load it, and compare every verdict with a reference implementation).
/// </summary>
internal static class ProfileSchema
{
    private const string SchemaFile = "docs/profile.schema.json";

    private static readonly Lazy<Node> Root = new(() => Load(ProfileCatalog.SchemaText));

    public static List<ProfileError> Validate(JsonObject document, string file)
    {
        var schema = Root.Value;
        var found = new List<(string Path, string Message)>();
        try
        {
            // JsonNode → JsonElement without reflection: write the node, read it back as a document.
            using var parsed = JsonDocument.Parse(document.ToJsonString());
            if (schema.Evaluate(parsed.RootElement, "", found)) return [];
        }
        catch (InvalidOperationException)
        {
            // Writing or reading a lone surrogate ("\ud800") throws: the document is not text a rule can hold.
            return [new ProfileError(file, "/", "contains a string that is not valid Unicode (a lone surrogate escape)")];
        }
        if (found.Count == 0) found.Add(("", $"does not match {SchemaFile}"));
        return found.Select(e => new ProfileError(file, e.Path.Length == 0 ? "/" : e.Path, e.Message)).Distinct().ToList();
    }

    /// <summary>Compiles a schema text; throws on a keyword, <c>$ref</c> or value this evaluator does not support.</summary>
    internal static Node Load(string schemaText)
    {
        using var schema = JsonDocument.Parse(schemaText);
        var defs = new Dictionary<string, Node>(StringComparer.Ordinal);
        var root = Compile(schema.RootElement, "", defs);
        root.Link(defs);
        foreach (var def in defs.Values) def.Link(defs);
        return root;
    }

    private static Node Compile(JsonElement schema, string at, Dictionary<string, Node> defs)
    {
        if (schema.ValueKind is JsonValueKind.True or JsonValueKind.False)
            return new Node { Boolean = schema.ValueKind == JsonValueKind.True };
        if (schema.ValueKind != JsonValueKind.Object)
            throw Unsupported(at, $"a schema must be an object or a boolean, found {schema.ValueKind}");

        var node = new Node();
        foreach (var keyword in schema.EnumerateObject())
        {
            var value = keyword.Value;
            var here = at + "/" + Escape(keyword.Name);
            switch (keyword.Name)
            {
                case "$schema" or "$id" or "$comment" or "title" or "description":
                    break; // annotations
                case "$defs":
                    if (at.Length != 0) throw Unsupported(here, "$defs is supported at the root only");
                    foreach (var def in Members(value, here))
                        defs[def.Name] = Compile(def.Value, here + "/" + Escape(def.Name), defs);
                    break;
                case "$ref":
                    var reference = String(value, here);
                    if (!reference.StartsWith("#/$defs/", StringComparison.Ordinal) || reference.IndexOf('/', 8) >= 0)
                        throw Unsupported(here, $"only local references '#/$defs/<name>' are supported, found '{reference}'");
                    node.Ref = Unescape(reference[8..]);
                    break;
                case "type":
                    node.Types = value.ValueKind == JsonValueKind.Array
                        ? [.. value.EnumerateArray().Select(t => TypeName(t, here))]
                        : [TypeName(value, here)];
                    break;
                case "properties":
                    node.Properties = new(StringComparer.Ordinal);
                    foreach (var property in Members(value, here))
                        node.Properties[property.Name] = Compile(property.Value, here + "/" + Escape(property.Name), defs);
                    break;
                case "additionalProperties":
                    node.AdditionalProperties = Compile(value, here, defs);
                    break;
                case "propertyNames":
                    node.PropertyNames = Compile(value, here, defs);
                    break;
                case "items":
                    node.Items = Compile(value, here, defs);
                    break;
                case "required":
                    if (value.ValueKind != JsonValueKind.Array) throw Unsupported(here, "expected an array of names");
                    node.Required = [.. value.EnumerateArray().Select(n => String(n, here))];
                    break;
                case "anyOf":
                    if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0) throw Unsupported(here, "expected a non-empty array of schemas");
                    node.AnyOf = [.. value.EnumerateArray().Select((s, i) => Compile(s, here + "/" + i.ToString(CultureInfo.InvariantCulture), defs))];
                    break;
                case "enum":
                    if (value.ValueKind != JsonValueKind.Array) throw Unsupported(here, "expected an array");
                    node.Enum = [.. value.EnumerateArray().Select(v => v.Clone())];
                    break;
                case "minItems":
                    node.MinItems = Count(value, here);
                    break;
                case "minLength":
                    node.MinLength = Count(value, here);
                    break;
                case "minProperties":
                    node.MinProperties = Count(value, here);
                    break;
                case "minimum":
                    if (value.ValueKind != JsonValueKind.Number) throw Unsupported(here, "expected a number");
                    node.Minimum = value.GetDouble();
                    break;
                case "pattern":
                    node.PatternText = String(value, here);
                    node.Pattern = new Regex(EcmaToDotNet(node.PatternText), RegexOptions.None, TimeSpan.FromSeconds(1));
                    break;
                default:
                    throw Unsupported(here, $"keyword '{keyword.Name}' is not evaluated by {nameof(ProfileSchema)}; teach it the keyword (and a test) before using it");
            }
        }
        return node;
    }

    /// <summary>
    /// ECMA-262 (the dialect JSON Schema names) and .NET differ on <c>$</c>: .NET also matches before a final
    /// "\n", so <c>^[a-z]+$</c> would accept "acme\n". Outside a character class, <c>$</c> becomes <c>\z</c>.
    /// </summary>
    internal static string EcmaToDotNet(string pattern)
    {
        var result = new StringBuilder(pattern.Length + 4);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                result.Append(c).Append(pattern[++i]);
                continue;
            }
            if (c == '[') inClass = true;
            else if (c == ']') inClass = false;
            if (c == '$' && !inClass) result.Append(@"\z");
            else result.Append(c);
        }
        return result.ToString();
    }

    private static IEnumerable<JsonProperty> Members(JsonElement value, string at) =>
        value.ValueKind == JsonValueKind.Object ? value.EnumerateObject() : throw Unsupported(at, "expected an object");

    private static string String(JsonElement value, string at) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Unsupported(at, "expected a string");

    private static int Count(JsonElement value, string at) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= 0
            ? count : throw Unsupported(at, "expected a non-negative integer");

    private static string TypeName(JsonElement value, string at)
    {
        var name = String(value, at);
        return name is "object" or "array" or "string" or "number" or "integer" or "boolean" or "null"
            ? name : throw Unsupported(at, $"unknown type '{name}'");
    }

    private static InvalidOperationException Unsupported(string at, string what) =>
        new($"{SchemaFile} at '{(at.Length == 0 ? "/" : at)}': {what}");

    internal static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    private static string Unescape(string token) => token.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);

    /// <summary>One compiled schema. Every keyword is checked and reports its own error (one per failing place).</summary>
    internal sealed class Node
    {
        public bool? Boolean;
        public string? Ref;
        public Node? RefTarget;
        public string[]? Types;
        public Dictionary<string, Node>? Properties;
        public Node? AdditionalProperties;
        public Node? PropertyNames;
        public Node? Items;
        public string[]? Required;
        public Node[]? AnyOf;
        public JsonElement[]? Enum;
        public int? MinItems;
        public int? MinLength;
        public int? MinProperties;
        public double? Minimum;
        public string? PatternText;
        public Regex? Pattern;

        private bool _linked;

        /// <summary>Resolves every <c>$ref</c>; an unknown definition is a schema error.</summary>
        public void Link(Dictionary<string, Node> defs)
        {
            if (_linked) return;
            _linked = true;
            if (Ref is not null)
                RefTarget = defs.GetValueOrDefault(Ref) ?? throw Unsupported("", $"'$ref': no definition '#/$defs/{Ref}'");
            foreach (var child in Children()) child.Link(defs);
        }

        private IEnumerable<Node> Children()
        {
            if (Properties is not null) foreach (var p in Properties.Values) yield return p;
            if (AdditionalProperties is not null) yield return AdditionalProperties;
            if (PropertyNames is not null) yield return PropertyNames;
            if (Items is not null) yield return Items;
            if (AnyOf is not null) foreach (var s in AnyOf) yield return s;
        }

        private Node Target => RefTarget is { } target && target.Ref is not null ? target.Target : RefTarget ?? this;

        /// <summary>True when <paramref name="instance"/> matches; otherwise adds (JSON Pointer, message) to <paramref name="errors"/>.</summary>
        public bool Evaluate(JsonElement instance, string at, List<(string Path, string Message)> errors)
        {
            if (Boolean is { } boolean) return boolean || Fail(errors, at, "no value is allowed here");

            var valid = true;
            if (RefTarget is not null) valid &= RefTarget.Evaluate(instance, at, errors);
            if (Types is not null && !Types.Any(t => IsType(instance, t)))
                valid = Fail(errors, at, $"expected {string.Join(" or ", Types.Select(Article))}, found {Describe(instance)}");
            if (Enum is not null && !Enum.Any(e => JsonElement.DeepEquals(e, instance)))
                valid = Fail(errors, at, $"expected one of {string.Join(", ", Enum.Select(e => e.GetRawText()))}; found {Describe(instance)}");

            switch (instance.ValueKind)
            {
                case JsonValueKind.Object:
                    valid &= EvaluateObject(instance, at, errors);
                    break;
                case JsonValueKind.Array:
                    var length = instance.GetArrayLength();
                    if (MinItems is { } minItems && length < minItems)
                        valid = Fail(errors, at, $"expected at least {Plural(minItems, "item")}, found {length}");
                    if (Items is not null)
                    {
                        var index = 0;
                        foreach (var item in instance.EnumerateArray())
                            valid &= Items.Evaluate(item, at + "/" + (index++).ToString(CultureInfo.InvariantCulture), errors);
                    }
                    break;
                case JsonValueKind.String:
                    var text = instance.GetString()!;
                    if (MinLength is { } minLength)
                    {
                        // Characters as the spec counts them: code points, so a surrogate pair is one.
                        var codePoints = text.EnumerateRunes().Count();
                        if (codePoints < minLength)
                            valid = Fail(errors, at, minLength == 1 ? "expected a non-empty string" : $"expected at least {Plural(minLength, "character")}, found {codePoints}");
                    }
                    if (Pattern is not null && !Matches(Pattern, text))
                        valid = Fail(errors, at, $"'{Shorten(text)}' does not match the pattern {PatternText}");
                    break;
                case JsonValueKind.Number:
                    if (Minimum is { } minimum && Below(instance, minimum))
                        valid = Fail(errors, at, $"expected at least {minimum.ToString(CultureInfo.InvariantCulture)}, found {instance.GetRawText()}");
                    break;
            }

            if (AnyOf is not null) valid &= EvaluateAnyOf(instance, at, errors);
            return valid;
        }

        private bool EvaluateObject(JsonElement instance, string at, List<(string Path, string Message)> errors)
        {
            var valid = true;
            var count = 0;
            foreach (var property in instance.EnumerateObject())
            {
                count++;
                var where = at + "/" + Escape(property.Name);
                if (PropertyNames is not null)
                {
                    using var name = JsonDocument.Parse("\"" + JsonEncodedText.Encode(property.Name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"");
                    var nameErrors = new List<(string Path, string Message)>();
                    if (!PropertyNames.Evaluate(name.RootElement, where, nameErrors))
                    {
                        valid = false;
                        errors.AddRange(nameErrors.Select(e => (e.Path, "key " + e.Message)));
                    }
                }
                if (Properties is not null && Properties.TryGetValue(property.Name, out var schema))
                    valid &= schema.Evaluate(property.Value, where, errors);
                else if (AdditionalProperties is { Boolean: false })
                    valid = Fail(errors, where, $"unknown key '{property.Name}': {SchemaFile} has no such rule or field here");
                else if (AdditionalProperties is not null)
                    valid &= AdditionalProperties.Evaluate(property.Value, where, errors);
            }
            foreach (var key in Required ?? [])
            {
                if (!instance.TryGetProperty(key, out _)) valid = Fail(errors, at, $"missing required key '{key}'");
            }
            if (MinProperties is { } minProperties && count < minProperties)
                valid = Fail(errors, at, $"expected at least {Plural(minProperties, "key")}, found {count}");
            return valid;
        }

        /// <summary>
        /// One error for the alternatives as a whole, then what is wrong inside the alternative the value was
        /// meant to be: a branch that only says "should be null", or "should be an object" at this very place,
        /// repeats the summary and is left out.
        /// </summary>
        private bool EvaluateAnyOf(JsonElement instance, string at, List<(string Path, string Message)> errors)
        {
            var inner = new List<(string Path, string Message)>();
            foreach (var branch in AnyOf!)
            {
                var branchErrors = new List<(string Path, string Message)>();
                if (branch.Evaluate(instance, at, branchErrors)) return true;
                if (branch.Target.IsOnly("null")) continue;
                inner.AddRange(branchErrors.Where(e => !(e.Path == at && branch.IsTypeMessage(e.Message))));
            }
            errors.Add((at, $"expected {string.Join(" or ", AnyOf.Select(b => b.Target.Summary()))}"));
            errors.AddRange(inner);
            return false;
        }

        private bool IsOnly(string type) => Types is [var only] && only == type && Properties is null && AnyOf is null && Ref is null;

        private bool IsTypeMessage(string message) =>
            Target.Types is { } types && message.StartsWith($"expected {string.Join(" or ", types.Select(Article))}, found", StringComparison.Ordinal);

        /// <summary>What a value must look like to match this schema, for the message of a failed <c>anyOf</c>.</summary>
        private string Summary()
        {
            if (IsOnly("null")) return "null";
            if (Required is { } required && required.Contains("value") && required.Contains("source"))
                return "a rule object {\"value\": ..., \"source\": \"...\"}";
            if (Required is [var one]) return $"an object with \"{one}\"";
            return Types is { } types ? string.Join(" or ", types.Select(Article)) : "a value of another form";
        }
    }

    private static bool Fail(List<(string Path, string Message)> errors, string at, string message)
    {
        errors.Add((at, message));
        return false;
    }

    private static bool Matches(Regex pattern, string text)
    {
        try
        {
            return pattern.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static bool IsType(JsonElement instance, string type) => type switch
    {
        "object" => instance.ValueKind == JsonValueKind.Object,
        "array" => instance.ValueKind == JsonValueKind.Array,
        "string" => instance.ValueKind == JsonValueKind.String,
        "number" => instance.ValueKind == JsonValueKind.Number,
        "integer" => instance.ValueKind == JsonValueKind.Number && IsInteger(instance),
        "boolean" => instance.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => instance.ValueKind == JsonValueKind.Null,
        _ => false,
    };

    /// <summary>A number with no fraction, however it is written (<c>5</c>, <c>5.0</c>, <c>5e2</c>).</summary>
    private static bool IsInteger(JsonElement number)
    {
        if (number.TryGetDecimal(out var exact)) return exact == decimal.Truncate(exact);
        // Beyond decimal's range (about 8e28) a double has no fraction bits left; past double's range, neither.
        return !number.TryGetDouble(out var approximate) || approximate == Math.Truncate(approximate);
    }

    private static bool Below(JsonElement number, double minimum) =>
        number.TryGetDouble(out var value) ? value < minimum : number.GetRawText().StartsWith('-');

    private static string Article(string type) => type switch
    {
        "object" => "an object",
        "array" => "an array",
        "integer" => "an integer",
        "boolean" => "true or false",
        "null" => "null",
        _ => "a " + type,
    };

    private static string Describe(JsonElement instance) => instance.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => $"the string '{Shorten(instance.GetString()!)}'",
        JsonValueKind.Number => instance.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => "null",
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
