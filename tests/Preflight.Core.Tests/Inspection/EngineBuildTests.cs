using System.Reflection;
using System.Security.Cryptography;
using Preflight.Core.Inspection;
using Preflight.Core.Reports;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Inspection;

/// <summary>
/// The engine's build identity (<see cref="EngineBuild.Id"/>, part of every verdict key) is written at build time by
/// Preflight.Core.csproj. These tests recompute it: it must be the hash of the list of the engine's inputs, and that list
/// must hold every source file and built-in profile with its content as it is now, so an edit to any of them gives
/// another identity and no cached verdict of the old code is served.
/// </summary>
public sealed class EngineBuildTests
{
    private static string CoreProject => Path.Combine(RepoPaths.Root, "src", "Preflight.Core");

    /// <summary>The inputs list of the build the loaded engine assembly came from (its configuration's obj folder).</summary>
    private static string InputsList()
    {
        var configuration = typeof(VerdictKey).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration;
        Assert.False(string.IsNullOrEmpty(configuration));
        var list = Path.Combine(CoreProject, "obj", configuration, "net10.0", "engine-inputs.txt");
        Assert.True(File.Exists(list), list);
        return list;
    }

    private static string Sha256Upper(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void EngineBuildId_IsTheHashOfTheInputsList()
    {
        var recomputed = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(InputsList())))[..32];

        Assert.Equal(EngineBuild.Id, recomputed);
        Assert.Equal(ToolInfo.BuildVersion + "+" + EngineBuild.Id, VerdictKey.EngineVersion);
    }

    [Fact]
    public void InputsList_HoldsEverySourceAndProfileAsItIsNow()
    {
        var lines = File.ReadAllLines(InputsList()).ToHashSet(StringComparer.Ordinal);
        var sources = Directory.EnumerateFiles(CoreProject, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        var profiles = Directory.GetFiles(Path.Combine(CoreProject, "Rules", "Profiles"), "*.json");
        string[] settings = [Path.Combine(CoreProject, "Preflight.Core.csproj"), Path.Combine(RepoPaths.Root, "Directory.Packages.props")];

        Assert.True(sources.Count > 50, $"only {sources.Count} sources found");
        Assert.NotEmpty(profiles);
        foreach (var file in sources.Concat(profiles).Concat(settings))
            Assert.Contains($"{Path.GetFileName(file)} {Sha256Upper(file)}", lines);
    }
}
