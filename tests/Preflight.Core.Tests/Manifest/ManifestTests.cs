using System.Reflection;
using System.Text;
using Preflight.Core.Inspection;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Manifest;

/// <summary>
/// Runs the real engine over every file of testdata/ and compares with testdata/manifest.json.
/// The manifest states what the issue and the profile require, not what the code happens to do.
/// </summary>
public sealed class ManifestTests
{
    /// <summary>Codes that are warnings: a file whose only codes are these passes.</summary>
    private static readonly HashSet<string> WarningCodes =
    [
        FindingCodes.VideoNotFaststart,
        FindingCodes.VideoFrameRateChanged,
        "image.too_large_to_decode", // deep mode: pixels of an oversize image were not decoded
    ];

    /// <summary>Guards the run against a hang (e.g. a playlist that reaches ffprobe); not a speed check.</summary>
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(2);

    /// <summary>Case ids rather than entries, so the runner lists each case and can re-run one by name.</summary>
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var entry in TestDataManifest.Current.Entries) data.Add(entry.Id);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Inspect_ManifestEntry_ReportsExpectedVerdictAndCodes(string id)
    {
        var entry = TestDataManifest.Current.Entries.Single(e => e.Id == id);
        var inspector = new Inspector(new MediaTools(new MediaToolsOptions()));
        using var cts = new CancellationTokenSource(HangGuard);

        var report = await inspector.InspectAsync(
            new InspectionRequest(TestDataManifest.FullPath(entry.Path), entry.Path),
            new InspectionOptions { Plan = entry.Plan, Deep = entry.Deep },
            cts.Token);

        var problems = new List<string>();
        var verdict = report.Verdict == Verdict.Pass ? "pass" : "fail";
        if (verdict != entry.Verdict) problems.Add($"verdict {verdict}, expected {entry.Verdict}");

        var codes = report.Findings.Select(f => f.Code).Distinct().Order(StringComparer.Ordinal).ToList();
        if (!codes.SequenceEqual(entry.Codes))
            problems.Add($"codes [{string.Join(", ", codes)}], expected [{string.Join(", ", entry.Codes)}]");

        if (entry.Detected is { } format && report.Detected?.Format != format)
            problems.Add($"detected.format '{report.Detected?.Format}', expected '{format}'");

        if (entry.Media is { } media && (report.Media?.Width != media.Width || report.Media?.Height != media.Height))
            problems.Add($"media {report.Media?.Width}x{report.Media?.Height}, expected {media.Width}x{media.Height}");

        Assert.True(problems.Count == 0, Describe(entry, report, problems));
    }

    [Fact]
    public void Manifest_EveryTestDataFile_IsListedOrIgnored()
    {
        var manifest = TestDataManifest.Current;
        var listed = manifest.Entries.Select(e => e.Path).Concat(manifest.Ignore).ToHashSet(StringComparer.Ordinal);

        var unlisted = Directory.EnumerateFiles(RepoPaths.TestData, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepoPaths.TestData, f).Replace('\\', '/'))
            .Where(f => !listed.Contains(f))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(unlisted.Count == 0,
            "Files in testdata/ with no manifest entry (add one, or list helpers under \"ignore\"):\n  " + string.Join("\n  ", unlisted));
    }

    [Fact]
    public void Manifest_EveryListedPath_Exists()
    {
        var manifest = TestDataManifest.Current;
        var missing = manifest.Entries.Select(e => e.Path).Concat(manifest.Ignore)
            .Distinct()
            .Where(p => !File.Exists(TestDataManifest.FullPath(p)))
            .ToList();

        Assert.True(missing.Count == 0,
            "Manifest paths with no file (run scripts/make-testdata.sh --with-real-world):\n  " + string.Join("\n  ", missing));
    }

    [Fact]
    public void Manifest_Entries_AreConsistentWithTheVocabulary()
    {
        var knownCodes = typeof(FindingCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();

        foreach (var entry in TestDataManifest.Current.Entries)
        {
            if (entry.Verdict is not ("pass" or "fail")) problems.Add($"{entry.Id}: verdict '{entry.Verdict}'");
            if (!entry.Codes.SequenceEqual(entry.Codes.Distinct().Order(StringComparer.Ordinal)))
                problems.Add($"{entry.Id}: codes must be sorted and distinct");
            problems.AddRange(entry.Codes.Where(c => !knownCodes.Contains(c)).Select(c => $"{entry.Id}: unknown code '{c}'"));

            // verdict is fail exactly when some finding is an error.
            var hasError = entry.Codes.Any(c => !WarningCodes.Contains(c));
            if (hasError != (entry.Verdict == "fail"))
                problems.Add($"{entry.Id}: verdict {entry.Verdict} contradicts codes [{string.Join(", ", entry.Codes)}]");

            if (entry.Plan is not null && !Profile.HeyGen.IsKnownPlan(entry.Plan))
                problems.Add($"{entry.Id}: unknown plan '{entry.Plan}'");
            if (string.IsNullOrWhiteSpace(entry.Why)) problems.Add($"{entry.Id}: say why");
        }

        var duplicates = TestDataManifest.Current.Entries.GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => g.Key);
        problems.AddRange(duplicates.Select(d => $"{d}: listed twice"));

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private static string Describe(ManifestEntry entry, FileReport report, List<string> problems)
    {
        var text = new StringBuilder();
        text.AppendLine($"{entry.Id} ({entry.Why}):");
        foreach (var problem in problems) text.AppendLine("  " + problem);
        text.AppendLine($"  detected: {report.Detected?.Format} ({report.Detected?.Basis})");
        if (report.Media is { } m)
            text.AppendLine($"  media: {m.Width}x{m.Height}, {m.DurationSeconds} s, video {m.VideoCodec}, audio {m.AudioCodec}, {m.FrameRate} fps");
        text.AppendLine(report.Findings.Count == 0 ? "  findings: none" : "  findings:");
        foreach (var f in report.Findings)
            text.AppendLine($"    {f.Severity.ToString().ToLowerInvariant()} {f.Code}: {f.Message}");
        return text.ToString();
    }
}
