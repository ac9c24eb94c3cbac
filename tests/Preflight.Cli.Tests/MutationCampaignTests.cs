using System.Text.Json;
using Preflight.TestSupport;
using Preflight.TestSupport.Mutations;

namespace Preflight.Cli.Tests;

/// <summary>
/// Runs once for <see cref="MutationCampaignTests"/>: 300 seeded mutations of valid files, checked by
/// <c>preflight check</c> twice in quick mode and twice in <c>--deep</c>, and decoded once by the reference decoder
/// (ffmpeg single-threaded with -xerror). bench/mutation-campaign.sh runs the same on thousands.
/// </summary>
public sealed class MutationCampaign : IAsyncLifetime
{
    public const int Seed = 20261202;
    public const int Files = 300;

    /// <summary>A hang guard, not a speed target: about 90 s of CPU in all, but CI machines can be very busy.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromMinutes(20);

    private readonly TempDir _dir = new();

    public IReadOnlyList<Mutant> Mutants { get; private set; } = [];
    public Dictionary<bool, CheckRun[]> Runs { get; } = [];
    public Dictionary<string, ReferenceVerdict> Reference { get; } = [];

    public string Folder => _dir.File("mutants");

    public async Task InitializeAsync()
    {
        using var budget = new CancellationTokenSource(Budget);
        Mutants = new MutationGenerator(Seed).Generate(MutationSeeds.Load(_dir.File("seeds")), Files).ToList();
        foreach (var mutant in Mutants) _dir.Write(Path.Combine("mutants", mutant.FileName), mutant.Bytes);

        foreach (var deep in new[] { false, true })
            Runs[deep] = [await CheckRun.RunAsync(Folder, deep, budget.Token), await CheckRun.RunAsync(Folder, deep, budget.Token)];

        using var slots = new SemaphoreSlim(Environment.ProcessorCount);
        var verdicts = await Task.WhenAll(Mutants.Select(async mutant =>
        {
            await slots.WaitAsync(budget.Token);
            try
            {
                return (mutant.FileName, await ReferenceDecoder.DecodeAsync(Path.Combine(Folder, mutant.FileName), TimeSpan.FromMinutes(5), budget.Token));
            }
            finally
            {
                slots.Release();
            }
        }));
        foreach (var (name, verdict) in verdicts) Reference[name] = verdict;
    }

    public Task DisposeAsync()
    {
        _dir.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>One <c>preflight check FOLDER --format json</c> run, reduced to what the campaign compares.</summary>
public sealed record CheckRun(int ExitCode, string Error, IReadOnlyList<CheckedFile> Files)
{
    public static async Task<CheckRun> RunAsync(string folder, bool deep, CancellationToken cancellationToken)
    {
        string[] args = deep ? ["check", folder, "--format", "json", "--deep"] : ["check", folder, "--format", "json"];
        var result = await CliRunner.RunAsync(c => c, args, cancellationToken);
        var files = new List<CheckedFile>();
        if (result.ExitCode is 0 or 1)
        {
            using var report = JsonDocument.Parse(result.Out);
            foreach (var file in report.RootElement.GetProperty("files").EnumerateArray())
            {
                var findings = file.GetProperty("findings").EnumerateArray()
                    .Select(f => (Code: f.GetProperty("code").GetString()!, Severity: f.GetProperty("severity").GetString()!,
                        Message: f.GetProperty("message").GetString()!))
                    .ToList();
                files.Add(new CheckedFile(file.GetProperty("path").GetString()!, file.GetProperty("verdict").GetString()!, findings));
            }
        }
        return new CheckRun(result.ExitCode, result.Error, files);
    }
}

public sealed record CheckedFile(string Path, string Verdict, IReadOnlyList<(string Code, string Severity, string Message)> Findings)
{
    public string Summary => $"{Path}: {Verdict} [{string.Join("; ", Findings.Select(f => $"{f.Code}: {f.Message}"))}]";
}

/// <summary>
/// The mutation campaign of issue 10 as a test: whatever a mutation does to a valid file, Preflight answers — once
/// per file, the same way every time, within its time limits — and --deep never passes a file that ffmpeg's
/// single-threaded strict decode rejects.
/// </summary>
public sealed class MutationCampaignTests(MutationCampaign campaign) : IClassFixture<MutationCampaign>
{
    public static TheoryData<bool> Modes => new() { false, true };

    [Fact]
    public void Generator_SameSeed_SameBytes()
    {
        using var dir = new TempDir();
        var seeds = MutationSeeds.Load(dir.Path);

        var again = new MutationGenerator(MutationCampaign.Seed).Generate(seeds, MutationCampaign.Files).ToList();

        Assert.Equal(campaign.Mutants.Select(m => m.Description), again.Select(m => m.Description));
        Assert.All(campaign.Mutants.Zip(again), pair => Assert.Equal(pair.First.Bytes, pair.Second.Bytes));
        Assert.Equal(MutationGenerator.AllKinds.ToHashSet(), campaign.Mutants.Select(m => m.Kind).ToHashSet());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Check_MutatedFiles_AnswersWithoutCrashing(bool deep)
    {
        foreach (var run in campaign.Runs[deep])
        {
            Assert.True(run.ExitCode == 1, $"exit code {run.ExitCode} (1 expected: mutated files fail), stderr: {run.Error}");
            Assert.Equal("", run.Error);
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Check_MutatedFiles_EveryFileReportedOnce(bool deep)
    {
        var expected = campaign.Mutants.Select(m => m.FileName).Order(StringComparer.Ordinal).ToList();
        foreach (var run in campaign.Runs[deep])
            Assert.Equal(expected, run.Files.Select(f => f.Path).Order(StringComparer.Ordinal).ToList());
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Check_MutatedFiles_NoTimeout(bool deep)
    {
        var timedOut = campaign.Runs[deep].SelectMany(r => r.Files).Where(f => f.Findings.Any(x => x.Code == "probe.timeout")).ToList();
        Assert.True(timedOut.Count == 0, "timed out: " + string.Join("\n", timedOut.Select(f => f.Summary)));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Check_MutatedFiles_SameVerdictAndCodesOnTwoRuns(bool deep)
    {
        var runs = campaign.Runs[deep];
        var first = runs[0].Files.ToDictionary(f => f.Path);
        var differing = runs[1].Files
            .Where(f => first[f.Path].Verdict != f.Verdict
                        || !first[f.Path].Findings.Select(x => x.Code).SequenceEqual(f.Findings.Select(x => x.Code)))
            .Select(f => $"{first[f.Path].Summary}\n  then {f.Summary}")
            .ToList();
        Assert.True(differing.Count == 0, $"{differing.Count} files changed verdict between runs:\n" + string.Join("\n", differing));
    }

    [Fact]
    public void CheckDeep_MutatedFiles_NeverPassWhatTheReferenceDecoderRejects()
    {
        var mutants = campaign.Mutants.ToDictionary(m => m.FileName);
        var falsePasses = campaign.Runs[true].SelectMany(r => r.Files)
            .Where(f => f.Verdict == "pass" && campaign.Reference[f.Path].Rejected)
            .Select(f => $"{f.Path} ({mutants[f.Path].Description}): ffmpeg says {campaign.Reference[f.Path].Detail}")
            .Distinct()
            .ToList();
        Assert.True(falsePasses.Count == 0, $"{falsePasses.Count} false passes in --deep:\n" + string.Join("\n", falsePasses));
    }
}
