using System.Text.Json;

namespace Preflight.Core.Tests.Manifest;

/// <summary>Displayed width and height the report must carry.</summary>
public sealed record ExpectedMedia(int Width, int Height);

/// <summary>
/// One expectation of testdata/manifest.json: the verdict and the exact set of finding codes (errors and
/// warnings) for one file under one plan and mode. A file may have several entries (other plan, deep).
/// </summary>
public sealed record ManifestEntry(
    string Path,
    string Verdict,
    IReadOnlyList<string> Codes,
    string? Plan,
    bool Deep,
    string Why)
{
    /// <summary>Optional: the expected <c>detected.format</c>.</summary>
    public string? Detected { get; init; }

    /// <summary>Optional: the expected displayed dimensions.</summary>
    public ExpectedMedia? Media { get; init; }

    /// <summary>Unique name of the case, shown by the test runner: path plus plan and mode when set.</summary>
    public string Id =>
        Path + (Plan is null ? "" : $" [plan={Plan}]") + (Deep ? " [deep]" : "");
}

public sealed record TestDataManifest(IReadOnlyList<string> Ignore, IReadOnlyList<ManifestEntry> Entries)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    private static readonly Lazy<TestDataManifest> Cached = new(Load);

    /// <summary>The committed manifest, read once per test run.</summary>
    public static TestDataManifest Current => Cached.Value;

    public static string FullPath(string relativePath) =>
        Preflight.TestSupport.RepoPaths.TestFile(relativePath.Split('/'));

    private static TestDataManifest Load()
    {
        var path = Preflight.TestSupport.RepoPaths.TestFile("manifest.json");
        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<TestDataManifest>(stream, Options)
            ?? throw new InvalidDataException($"{path} is empty.");
    }
}
