using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Rules;

/// <summary>A user of the repository can read the source of every limit: the documents live in <c>docs/sources/</c>.</summary>
public sealed partial class ProfileSourcesTests
{
    private static readonly string Sources = Path.Combine(RepoPaths.Root, "docs", "sources");

    public static TheoryData<string> BuiltInProfiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "src", "Preflight.Core", "Rules", "Profiles"), "*.json"))
            data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(BuiltInProfiles))]
    public void BuiltInProfile_Source_NamesADocumentInDocsSources(string profileFile)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Preflight.Core", "Rules", "Profiles", profileFile)));
        var source = json.RootElement.GetProperty("source").GetString();

        var cited = DocsSourcesPath().Matches(source ?? "").Select(m => m.Groups["file"].Value).ToList();
        Assert.NotEmpty(cited);
        foreach (var file in cited)
            Assert.True(File.Exists(Path.Combine(Sources, file)), $"{profileFile} cites docs/sources/{file}, which does not exist");
    }

    [Fact]
    public void DocsSources_Readme_DescribesEveryDocument()
    {
        var readme = File.ReadAllText(Path.Combine(Sources, "README.md"));
        foreach (var file in Directory.EnumerateFiles(Sources).Select(Path.GetFileName).Where(f => f != "README.md"))
            Assert.Contains($"({file})", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Repository_NothingRefersToFilesOutsideIt()
    {
        // Built from parts so this file does not match itself.
        var outside = Encoding.UTF8.GetBytes("../" + "shared");
        var offenders = RepositoryFiles()
            .Where(f => File.ReadAllBytes(f).AsSpan().IndexOf(outside) >= 0)
            .Select(f => Path.GetRelativePath(RepoPaths.Root, f))
            .ToList();
        Assert.Empty(offenders);
    }

    private static IEnumerable<string> RepositoryFiles()
    {
        var pending = new Stack<string>([RepoPaths.Root]);
        while (pending.TryPop(out var dir))
        {
            foreach (var sub in Directory.EnumerateDirectories(dir))
            {
                var name = Path.GetFileName(sub);
                // Git's own data and what .gitignore excludes (build output, tools, staged files) are not the repository's content.
                if (name is ".git" or ".tools" or ".preflight" or "bin" or "obj" or "artifacts" or "node_modules" or "TestResults") continue;
                if (Path.GetRelativePath(RepoPaths.Root, sub) == Path.Combine("bench", "out")) continue;
                pending.Push(sub);
            }
            foreach (var file in Directory.EnumerateFiles(dir))
                yield return file;
        }
    }

    [GeneratedRegex(@"docs/sources/(?<file>[A-Za-z0-9._-]+)")]
    private static partial Regex DocsSourcesPath();
}
