using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Preflight.Core.Reports;

namespace Preflight.Core.Rules;

/// <summary>One thing wrong with a profile document: where (file and JSON path) and what was expected.</summary>
public sealed record ProfileError(string File, string Path, string Message)
{
    public override string ToString() => $"{File}: {Path}: {Message}";
}

/// <summary>A profile document that cannot be used. Its message lists every error; no stack trace is meant for users.</summary>
public sealed class ProfileException(IReadOnlyList<ProfileError> errors)
    : Exception(string.Join(Environment.NewLine, errors.Select(e => e.ToString())))
{
    public IReadOnlyList<ProfileError> Errors { get; } = errors;
}

/// <summary>A name that is neither a known profile nor a profile file.</summary>
public sealed class UnknownProfileException(string name, IReadOnlyList<string> known)
    : Exception($"Unknown profile '{name}'. Known profiles: {string.Join(", ", known)} (or the path of a profile file).")
{
    public string Name { get; } = name;
    public IReadOnlyList<string> Known { get; } = known;
}

/// <summary>
/// Every profile a process knows: the built-in ones (embedded <c>Rules/Profiles/*.json</c>) and the user's
/// (<c>Preflight:ProfilePaths</c>, <c>--profile FILE</c>). Loading resolves <c>extends</c> (the child's fields
/// replace the parent's at the same JSON path; objects merge, everything else is replaced), validates the resolved
/// document against <c>docs/profile.schema.json</c> and computes its digest.
/// </summary>
public sealed class ProfileCatalog
{
    public const string BuiltInOrigin = "built-in";
    private const string ResourcePrefix = "Preflight.Profiles.";

    private static readonly Lazy<ProfileCatalog> BuiltInCatalog = new(LoadBuiltIns);

    // A built-in profile is made from its resolved document when first asked for: a run uses one of them, and making
    // each (deserialising, checking, hashing) cost a Native AOT start ~1 ms. They cannot fail: tests check every one.
    private readonly Dictionary<string, Lazy<Profile>> _profiles;
    private readonly Dictionary<string, JsonObject> _documents;

    private ProfileCatalog(Dictionary<string, Lazy<Profile>> profiles, Dictionary<string, JsonObject> documents)
    {
        _profiles = profiles;
        _documents = documents;
    }

    /// <summary>The built-in profiles alone.</summary>
    public static ProfileCatalog BuiltIn => BuiltInCatalog.Value;

    /// <summary>The JSON Schema every resolved profile must satisfy (the text of <c>docs/profile.schema.json</c>).</summary>
    /// <remarks>Read on first use: only user profiles are checked against it, so most runs never need it.</remarks>
    public static string SchemaText => Schema.Value;

    private static readonly Lazy<string> Schema = new(() => ReadResource("Preflight.ProfileSchema.json"));


    /// <summary>Profile names, built-ins first, in load order.</summary>
    public IReadOnlyList<string> Names => [.. _profiles.Keys];

    public IReadOnlyList<Profile> All => [.. _profiles.Values.Select(p => p.Value)];

    public Profile? Find(string name) => _profiles.GetValueOrDefault(name.Trim().ToLowerInvariant())?.Value;

    public Profile Get(string name) => Find(name) ?? throw new UnknownProfileException(name, Names);

    /// <summary>The resolved document of a profile (inheritance applied), as JSON.</summary>
    public JsonObject DocumentOf(string name) => (JsonObject)_documents[Get(name).Name].DeepClone();

    /// <summary>
    /// The built-ins plus the profiles in <paramref name="paths"/> (files, or folders whose <c>*.json</c> are read).
    /// Throws <see cref="ProfileException"/> listing every error of every file.
    /// </summary>
    public static ProfileCatalog Create(IEnumerable<string> paths)
    {
        var files = new List<string>();
        var errors = new List<ProfileError>();
        foreach (var path in paths.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            if (Directory.Exists(path)) files.AddRange(Directory.EnumerateFiles(path, "*.json").Order(StringComparer.Ordinal));
            else if (File.Exists(path)) files.Add(path);
            else errors.Add(new ProfileError(path, "", "no such file or folder"));
        }
        if (errors.Count > 0) throw new ProfileException(errors);
        if (files.Count == 0) return BuiltIn;
        return BuiltIn.With(files.Select(f => (f, ReadFile(f))).ToList());
    }

    /// <summary>A profile by name, or else a profile file (resolved against this catalog).</summary>
    public Profile Resolve(string nameOrFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrFile);
        if (Find(nameOrFile) is { } known) return known;
        if (LooksLikePath(nameOrFile))
        {
            if (!File.Exists(nameOrFile)) throw new ProfileException([new ProfileError(nameOrFile, "", "no such file")]);
            var catalog = With([(nameOrFile, ReadFile(nameOrFile))]);
            return catalog._profiles.Values.Last().Value;
        }
        throw new UnknownProfileException(nameOrFile, Names);
    }

    /// <summary>Validates one profile file against this catalog; the errors, none when it is usable.</summary>
    public IReadOnlyList<ProfileError> Validate(string file)
    {
        try
        {
            With([(file, ReadFile(file))]);
            return [];
        }
        catch (ProfileException e)
        {
            return e.Errors;
        }
    }

    private static bool LooksLikePath(string text) =>
        text.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.Contains('/') || text.Contains('\\');

    /// <summary>
    /// A profile is a small JSON document (the built-in ones are under 10 KB): reading stops past this many characters,
    /// so a device that never ends (<c>--profile /dev/zero</c>) or a runaway generator behind a pipe is an error, not
    /// a process that fills memory.
    /// </summary>
    public const int MaxFileChars = 1 << 20;

    private static (JsonObject? Document, ProfileError? Error) ReadFile(string file)
    {
        try
        {
            // Read in chunks rather than by length: a pipe (--profile <(…)) or a device has no length to trust.
            using var reader = new StreamReader(file, detectEncodingFromByteOrderMarks: true);
            var text = new StringBuilder();
            var chunk = new char[8192];
            int read;
            while ((read = reader.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (text.Length + read > MaxFileChars)
                    return (null, new ProfileError(file, "", $"larger than {MaxFileChars / (1 << 20)} MiB of text: not a profile document"));
                text.Append(chunk, 0, read);
            }
            return Parse(text.ToString(), file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, new ProfileError(file, "", $"cannot be read: {e.Message}"));
        }
    }

    private static (JsonObject? Document, ProfileError? Error) Parse(string text, string file)
    {
        try
        {
            // Duplicate keys are refused here: JsonObject would otherwise throw ArgumentException on first access.
            var node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false, AllowDuplicateProperties = false,
            });
            return node is JsonObject obj
                ? (obj, null)
                : (null, new ProfileError(file, "/", "expected a JSON object"));
        }
        catch (JsonException e)
        {
            return (null, new ProfileError(file, "", $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {FirstSentence(e.Message)}"));
        }
    }

    private static ProfileCatalog LoadBuiltIns()
    {
        var assembly = typeof(ProfileCatalog).Assembly;
        var entries = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal))
            // HeyGen first: it is the default and the one the others are compared with.
            .OrderBy(n => n == ResourcePrefix + "heygen.json" ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal)
            .Select(n => ("built-in:" + n[ResourcePrefix.Length..], Parse(ReadResource(n), "built-in:" + n[ResourcePrefix.Length..])))
            .ToList();
        return new ProfileCatalog([], []).With(entries, BuiltInOrigin);
    }

    private static string ReadResource(string name)
    {
        using var stream = typeof(ProfileCatalog).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The resource '{name}' is missing from Preflight.Core.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>This catalog plus <paramref name="files"/>; each may extend a profile of this catalog or of the others.</summary>
    private ProfileCatalog With(IReadOnlyList<(string File, (JsonObject? Document, ProfileError? Error) Parsed)> files, string? origin = null)
    {
        var errors = files.Where(f => f.Parsed.Error is not null).Select(f => f.Parsed.Error!).ToList();
        var pending = new Dictionary<string, (string File, JsonObject Document)>();
        foreach (var (file, parsed) in files)
        {
            if (parsed.Document is not { } document) continue;
            if (document["name"] is not JsonValue nameValue || !nameValue.TryGetValue<string>(out var name) || string.IsNullOrWhiteSpace(name))
            {
                errors.Add(new ProfileError(file, "/name", "required: the profile's name (a string such as \"acme\")"));
                continue;
            }
            if (_profiles.ContainsKey(name) || pending.ContainsKey(name))
            {
                var other = pending.TryGetValue(name, out var p) ? p.File : _profiles[name].Value.Origin;
                errors.Add(new ProfileError(file, "/name", $"'{name}' is already the name of a profile ({other}); choose another name"));
                continue;
            }
            pending[name] = (file, document);
        }

        var profiles = new Dictionary<string, Lazy<Profile>>(_profiles);
        var documents = new Dictionary<string, JsonObject>(_documents);
        var resolving = new HashSet<string>();

        JsonObject? Resolve(string name)
        {
            if (documents.TryGetValue(name, out var done)) return done;
            if (!pending.TryGetValue(name, out var entry)) return null;
            if (!resolving.Add(name))
            {
                errors.Add(new ProfileError(entry.File, "/extends", $"'{name}' extends itself through a cycle of 'extends'"));
                return null;
            }

            var resolved = entry.Document;
            if (entry.Document["extends"] is { } extendsNode)
            {
                var parentName = extendsNode is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
                if (parentName is null)
                {
                    errors.Add(new ProfileError(entry.File, "/extends", "expected the name of a profile (a string)"));
                    return null;
                }
                var parent = Resolve(parentName);
                if (parent is null)
                {
                    if (!pending.ContainsKey(parentName))
                    {
                        errors.Add(new ProfileError(entry.File, "/extends",
                            $"unknown profile '{parentName}'; known: {string.Join(", ", profiles.Keys.Concat(pending.Keys).Where(k => k != name))}"));
                    }
                    return null;
                }
                resolved = (JsonObject)parent.DeepClone();
                resolved.Remove("extends");
                Merge(resolved, entry.Document, $"profile '{name}' ({Path.GetFileName(entry.File)}), overriding '{parentName}'");
            }

            // "$schema" helps editors; it is not part of the rules (nor of the digest).
            resolved.Remove("$schema");
            // The built-ins are compiled in and checked against the schema by a test
            // (ProfileCatalogTests.BuiltInProfile_ValidatesAgainstTheSchemaInDocs); compiling and evaluating the
            // schema is work every `check` would do for nothing.
            var validation = origin == BuiltInOrigin ? [] : ProfileSchema.Validate(resolved, entry.File);
            if (origin != BuiltInOrigin) NotFinite(resolved, "", entry.File, validation);
            if (validation.Count > 0)
            {
                errors.AddRange(validation);
                return null;
            }

            if (origin == BuiltInOrigin)
            {
                var builtIn = entry.File;
                profiles[name] = new Lazy<Profile>(() =>
                {
                    var problems = new List<ProfileError>();
                    return Make(resolved, builtIn, origin, problems) ?? throw new ProfileException(problems);
                });
            }
            else if (Make(resolved, entry.File, origin, errors) is { } profile)
            {
                profiles[name] = new Lazy<Profile>(profile);
            }
            else
            {
                return null;
            }
            documents[name] = resolved;
            resolving.Remove(name);
            return resolved;
        }

        foreach (var name in pending.Keys) Resolve(name);
        if (errors.Count > 0) throw new ProfileException(errors.Distinct().ToList());
        return new ProfileCatalog(profiles, documents);
    }

    /// <summary>The profile a resolved document describes, or null with what is wrong added to <paramref name="errors"/>.</summary>
    private static Profile? Make(JsonObject resolved, string file, string? origin, List<ProfileError> errors)
    {
        Profile profile;
        try
        {
            profile = Profile.Normalise(resolved.Deserialize(Profile.ReadOptions.Info<Profile>())
                ?? throw new JsonException("The document is null."));
        }
        catch (JsonException e)
        {
            errors.Add(new ProfileError(file, ToPointer(e.Path), FirstSentence(e.Message)));
            return null;
        }

        var semantic = Check(profile, file);
        if (semantic.Count > 0)
        {
            errors.AddRange(semantic);
            return null;
        }
        return profile with { Digest = DigestOf(resolved), Origin = origin ?? file };
    }

    /// <summary>
    /// Child fields replace the parent's at the same path; objects merge. A limit whose value is overridden
    /// without a new source says so, instead of keeping a source that no longer states its number.
    /// </summary>
    private static void Merge(JsonObject target, JsonObject overrides, string overrideSource)
    {
        foreach (var (key, value) in overrides)
        {
            if (value is JsonObject child && target[key] is JsonObject parent)
            {
                Merge(parent, child, overrideSource);
                if (child.ContainsKey("value") && !child.ContainsKey("source") && parent.ContainsKey("source"))
                {
                    parent["source"] = overrideSource;
                    foreach (var stale in new[] { "url", "read", "note" })
                    {
                        if (!child.ContainsKey(stale)) parent.Remove(stale);
                    }
                }
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    /// <summary>
    /// Numbers past a double's range (1e400): JSON Schema calls them numbers and the reader makes them Infinity,
    /// which no limit can mean and no JSON answer can carry (serialising the profile would throw).
    /// </summary>
    private static void NotFinite(JsonNode? node, string at, string file, List<ProfileError> errors)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj) NotFinite(value, at + "/" + ProfileSchema.Escape(key), file, errors);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) NotFinite(array[i], at + "/" + i, file, errors);
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number && !(value.TryGetValue<double>(out var number) && double.IsFinite(number)):
                errors.Add(new ProfileError(file, at, $"expected a number a double can hold (at most about 1.8e308), found {value.ToJsonString()}"));
                break;
        }
    }

    private static List<ProfileError> Check(Profile profile, string file)
    {
        var errors = new List<ProfileError>();
        // Sizes are shown as bytes / megabyte: a megabyte of 0 bytes would make every size message "∞ MB".
        if (profile.Megabyte.Value < 1)
            errors.Add(new ProfileError(file, "/megabyte/value", $"expected at least 1 (bytes in a megabyte), found {profile.Megabyte.Value}"));
        foreach (var (kind, limits) in profile.Kinds)
        {
            void Range<T>(string min, Limit<T>? low, string max, Limit<T>? high) where T : IComparable<T>
            {
                if (low is not null && high is not null && low.Value.CompareTo(high.Value) > 0)
                    errors.Add(new ProfileError(file, $"/kinds/{kind}/{min}/value", $"expected at most {max} ({high.Value}), found {low.Value}"));
            }
            Range("minWidth", limits.MinWidth, "maxWidth", limits.MaxWidth);
            Range("minHeight", limits.MinHeight, "maxHeight", limits.MaxHeight);
            Range("minAspectRatio", limits.MinAspectRatio, "maxAspectRatio", limits.MaxAspectRatio);
            Range("minDurationSeconds", limits.MinDurationSeconds, "maxDurationSeconds", limits.MaxDurationSeconds);
            Range("minFrameRate", limits.MinFrameRate, "maxFrameRate", limits.MaxFrameRate);
        }
        foreach (var (index, plan) in profile.PlanOrder.Index())
        {
            if (!profile.Plans.ContainsKey(plan))
                errors.Add(new ProfileError(file, $"/planOrder/{index}", $"expected the name of a plan in /plans, found '{plan}'"));
        }
        return errors;
    }

    /// <summary>sha256 of the canonical JSON (object keys sorted ordinally, no white space).</summary>
    internal static string DigestOf(JsonNode document)
    {
        var canonical = Canonical(document)?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "null";
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Canonical)]),
        _ => node?.DeepClone(),
    };

    private static string ToPointer(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$") return "/";
        return "/" + jsonPath.TrimStart('$', '.').Replace("['", "", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal)
            .Replace('.', '/').Replace("[", "/", StringComparison.Ordinal).Replace("]", "", StringComparison.Ordinal);
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..(cut + 1)] : message;
    }
}
