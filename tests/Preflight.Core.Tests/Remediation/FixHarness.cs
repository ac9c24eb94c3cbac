using System.Security.Cryptography;
using Preflight.Core.Inspection;
using Preflight.Core.Probing.Video;
using Preflight.Core.Remediation;
using Preflight.Core.Rules;
using Preflight.Core.Tests.Probing.Video;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Remediation;

/// <summary>Generates inputs with the real ffmpeg in a private folder and fixes them with the real engine.</summary>
public sealed class FixHarness : IDisposable
{
    private readonly TempDir _dir = new();

    public FixHarness()
    {
        Tools = new MediaTools(new MediaToolsOptions());
        Inspector = new Inspector(Tools);
        Remediator = new Remediator(Inspector.InspectAsync, Tools);
    }

    public MediaTools Tools { get; }
    public Inspector Inspector { get; }
    public Remediator Remediator { get; }
    public string Folder => _dir.Path;

    /// <summary>Runs ffmpeg (unhardened: these are our own generated inputs) and returns the output path.</summary>
    public string Generate(string name, string arguments)
    {
        var output = _dir.File(name);
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        var args = new List<string> { "-nostdin", "-v", "error", "-y" };
        args.AddRange(arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        args.Add(output);
        var (exitCode, _, stderr) = MediaToolsSamples.Run(MediaToolsSamples.FfmpegPath, args);
        if (exitCode != 0 || !File.Exists(output))
            throw new InvalidOperationException($"ffmpeg could not generate {name}: {stderr}");
        return output;
    }

    public string Write(string name, byte[] bytes) => _dir.Write(name, bytes);

    public string Copy(string source, string name) => Write(name, File.ReadAllBytes(source));

    /// <summary>Fixes with <paramref name="remediator"/> (this harness's own by default).</summary>
    public async Task<FixOutcome> FixAsync(string path, FixOptions? options = null, Remediator? remediator = null) =>
        await (remediator ?? Remediator).FixAsync(new InspectionRequest(path, Path.GetFileName(path)), options ?? new FixOptions(), CancellationToken.None);

    /// <summary>An engine over <paramref name="tools"/> (shims, other options), inspecting and fixing as this harness's does.</summary>
    public static Remediator Over(MediaTools tools) => new(new Inspector(tools).InspectAsync, tools);

    /// <summary>Fixes, asserts the input is untouched and the temp output is gone after disposal, returns the report's fix.</summary>
    public async Task<(FixInfo Fix, string? Kept)> FixAndKeepAsync(string path, FixOptions? options = null, Remediator? remediator = null)
    {
        var before = Sha(path);
        string? kept = null;
        FixInfo fix;
        string? temp;
        using (var outcome = await FixAsync(path, options, remediator))
        {
            fix = outcome.Report.Fix!;
            temp = outcome.OutputPath;
            // A fixed output is the outcome's own temp file (the CLI moves it); a passing input handed on never is.
            if (temp is not null) Assert.Equal(temp != path, outcome.OwnsOutput);
            if (temp is not null && temp != path)
            {
                kept = _dir.File("out-" + Guid.NewGuid().ToString("N") + outcome.OutputExtension);
                File.Copy(temp, kept);
            }
        }
        Assert.Equal(before, Sha(path));
        if (temp is not null && temp != path)
            Assert.False(File.Exists(temp), "the temp output must be removed when the outcome is disposed");
        return (fix, kept);
    }

    public static string Sha(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    public static Profile WithMaxBytes(string kind, long maxBytes) =>
        WithKind(kind, limits => limits with { MaxBytes = new Limit<long>(maxBytes, "test") });

    /// <summary>HeyGen's rules with one kind's limits changed.</summary>
    public static Profile WithKind(string kind, Func<KindLimits, KindLimits> change)
    {
        var profile = Profile.HeyGen;
        var kinds = profile.Kinds.ToDictionary(k => k.Key, k => k.Key == kind ? change(k.Value) : k.Value);
        return profile with { Kinds = kinds };
    }

    public void Dispose() => _dir.Dispose();
}
