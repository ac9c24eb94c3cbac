namespace Preflight.TestSupport;

/// <summary>Finds the repository's folders from wherever the test runner put the test assembly.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string TestData => Path.Combine(Root, "testdata");

    public static string TestFile(params string[] parts) => Path.Combine([TestData, .. parts]);

    private static string FindRoot()
    {
        var built = typeof(RepoPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "PreflightRepoRoot")?.Value;
        if (built is not null && File.Exists(Path.Combine(built, "Preflight.sln"))) return built;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Preflight.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Preflight.sln not found above " + AppContext.BaseDirectory);
    }
}
