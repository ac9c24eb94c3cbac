using System.Globalization;
using System.Text.Json;
using Preflight.Core.Reports;
using Preflight.Core.Rules;

namespace Preflight.Core.Jobs;

public sealed record JobCheckerOptions
{
    /// <summary>Enterprise plans have a custom video length; null = no limit is checked.</summary>
    public double? EnterpriseMaxVideoSeconds { get; init; }

    /// <summary>How many asset URLs of one job are fetched and inspected at once.</summary>
    public int MaxConcurrentAssets { get; init; } = 4;

    /// <summary>
    /// Distinct asset URLs fetched for one job. A valid video/generate has at most 50 scenes with a voice audio and a
    /// background each; without a bound, one 1 MB request could make the service fetch tens of thousands of URLs.
    /// </summary>
    public int MaxAssets { get; init; } = 150;
}

/// <summary>A job request Preflight cannot evaluate at all (e.g. an unknown plan name): a client error.</summary>
public sealed class JobRequestException(string message) : Exception(message);

/// <summary>
/// Preflights a whole generation request: will it pass, on which plan, at what cost. Every limit comes from
/// the profile; asset URLs go through the engine via the host's <see cref="AssetInspector"/>.
/// </summary>
public sealed class JobChecker(Profile profile, AssetInspector inspectAsset, JobCheckerOptions? options = null)
{
    private readonly JobCheckerOptions _options = options ?? new JobCheckerOptions();

    /// <summary>The endpoints the default profile can check (its per-call endpoints come from the profile's credit table).</summary>
    public static IReadOnlyList<string> SupportedEndpoints { get; } = GenerationEndpoints.Supported(Profile.HeyGen);

    public async Task<JobReport> CheckAsync(JobCheckRequest job, CancellationToken cancellationToken)
    {
        var plan = job.Plan?.Trim().ToLowerInvariant();
        if (plan is not null && !profile.IsKnownPlan(plan))
            throw new JobRequestException($"Unknown plan '{job.Plan}'. Known plans: {string.Join(", ", profile.PlanOrder)}.");
        // The web JSON options read "NaN" and "Infinity" from strings (and 1e400 as infinity): NaN would make every
        // "estimate > remaining" comparison false and so silently switch the credit check off.
        if (job.CreditsRemaining is { } credits && (credits < 0 || !double.IsFinite(credits)))
            throw new JobRequestException("creditsRemaining must not be negative and must be a finite number.");
        // JSON lets a string hold a lone surrogate ("\ud800"); reading it as .NET text throws deep inside the rules.
        if (job.Request is { } body && InvalidText(body, "") is { } badText)
            throw new JobRequestException($"The request holds text that is not valid Unicode (a lone surrogate \\u escape) at '{badText}'.");

        var endpoint = GenerationEndpoints.Normalise(job.Endpoint);
        var spec = JobSpec.For(endpoint, profile, _options);
        if (spec is null)
        {
            var supported = GenerationEndpoints.Supported(profile);
            return new JobReport
            {
                Verdict = Verdict.Fail,
                Endpoint = job.Endpoint ?? "",
                Plan = plan,
                MinimumPlan = null,
                Findings =
                [
                    new JobFinding(FindingCodes.JobUnknownEndpoint, Severity.Error,
                        $"Unknown endpoint '{job.Endpoint}'. Supported: {string.Join(", ", supported)}.",
                        Actual: job.Endpoint, Limit: string.Join(" | ", supported)),
                ],
                Estimate = new JobEstimate(0, false, 0, "unknown endpoint: no estimate"),
                Assets = [],
            };
        }

        var parse = spec.Parse(job.Request);
        var distinctUrls = parse.Assets.Select(a => a.Url).Distinct().Count();
        if (distinctUrls > _options.MaxAssets)
            throw new JobRequestException($"The request names {distinctUrls} distinct asset URLs; at most {_options.MaxAssets} are checked per job.");
        var reports = await InspectAssetsAsync(parse.Assets, plan, cancellationToken);
        var findings = new List<JobFinding>(parse.Findings);
        findings.AddRange(AssetFindings(parse.Assets, reports));

        var estimate = spec.Estimate(parse, reports);
        if (job.CreditsRemaining is { } remaining && estimate.Credits > remaining)
        {
            findings.Add(new JobFinding(FindingCodes.JobInsufficientCredits, Severity.Error,
                $"The job costs an estimated {Credits(estimate.Credits)} credits but only {Credits(remaining)} remain ({estimate.Formula}).",
                Actual: Credits(estimate.Credits), Limit: Credits(remaining)));
        }

        var commonFails = findings.Any(f => f.Severity == Severity.Error);
        var perPlan = profile.PlanOrder.ToDictionary(p => p, p => spec.PlanFindings(p, profile.Plans[p], parse, estimate).ToList());
        var minimumPlan = commonFails ? null : profile.PlanOrder.FirstOrDefault(p => perPlan[p].All(f => f.Severity != Severity.Error));

        if (plan is not null)
        {
            findings.AddRange(perPlan[plan]);
        }
        else
        {
            // No plan given: say, as information, what stops the job on each plan below the one it needs.
            foreach (var p in profile.PlanOrder.TakeWhile(p => p != minimumPlan))
            {
                findings.AddRange(perPlan[p].Select(f => f with
                {
                    Severity = f.Severity == Severity.Error ? Severity.Info : f.Severity,
                    Message = $"[{p}] {f.Message}",
                }));
            }
        }

        var fails = plan is null ? minimumPlan is null : findings.Any(f => f.Severity == Severity.Error);
        return new JobReport
        {
            Verdict = fails ? Verdict.Fail : Verdict.Pass,
            Endpoint = endpoint,
            Plan = plan,
            MinimumPlan = minimumPlan,
            Findings = findings,
            Estimate = estimate,
            Assets = parse.Assets.DistinctBy(a => a.Url).Select(a => reports[a.Url] with { Path = a.Pointer }).ToList(),
        };
    }

    /// <summary>
    /// Each distinct URL is fetched and inspected once, a few at a time, taken from each host in turn: the fetcher
    /// bounds fetches per host (<c>Preflight:Fetch:MaxConcurrentPerHost</c>), so assets of other hosts go ahead
    /// instead of queueing behind one busy host.
    /// </summary>
    private async Task<Dictionary<string, FileReport>> InspectAssetsAsync(IReadOnlyList<JobAsset> assets, string? plan, CancellationToken cancellationToken)
    {
        var distinct = assets.DistinctBy(a => a.Url).ToList();
        var results = new FileReport[distinct.Count];
        await Parallel.ForEachAsync(
            InterleavedByHost(distinct),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.MaxConcurrentAssets), CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await inspectAsset(distinct[i], plan, ct));
        return distinct.Select((a, i) => (a.Url, Report: results[i])).ToDictionary(x => x.Url, x => x.Report);
    }

    /// <summary>The indexes of <paramref name="assets"/>: the first of every host, then the second of every host, and so on.</summary>
    internal static IEnumerable<int> InterleavedByHost(IReadOnlyList<JobAsset> assets) =>
        Enumerable.Range(0, assets.Count)
            .GroupBy(i => Uri.TryCreate(assets[i].Url, UriKind.Absolute, out var uri) ? uri.IdnHost.ToLowerInvariant() : "")
            .SelectMany(host => host.Select((index, turn) => (Index: index, Turn: turn)))
            .OrderBy(x => x.Turn)
            .ThenBy(x => x.Index)
            .Select(x => x.Index);

    private static IEnumerable<JobFinding> AssetFindings(IReadOnlyList<JobAsset> assets, Dictionary<string, FileReport> reports)
    {
        foreach (var asset in assets)
        {
            var report = reports[asset.Url];
            if (report.Verdict != Verdict.Fail) continue;
            var errors = report.Findings.Where(f => f.Severity == Severity.Error).ToList();
            yield return new JobFinding(FindingCodes.JobAssetFailed, Severity.Error,
                $"The {Profile.KindName(asset.Kind ?? report.Kind)} at {asset.Pointer} fails preflight: " +
                string.Join("; ", errors.Select(e => $"{e.Code}: {e.Message}")),
                Actual: string.Join(",", errors.Select(e => e.Code).Distinct()),
                Path: asset.Pointer,
                Fix: errors.Select(e => e.Fix).FirstOrDefault(f => f is not null));
        }
    }

    /// <summary>The JSON pointer of the first string or property name that is not valid UTF-16 text, or null.</summary>
    private static string? InvalidText(JsonElement element, string pointer)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsText(element.GetString) ? null : pointer;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name = "";
                    if (!IsText(() => name = property.Name)) return pointer;
                    if (InvalidText(property.Value, pointer + "/" + JsonPointer.Escape(name)) is { } bad) return bad;
                }
                return null;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (InvalidText(item, $"{pointer}/{i++}") is { } bad) return bad;
                }
                return null;
            default:
                return null;
        }

        static bool IsText(Func<string?> read)
        {
            try
            {
                read();
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    internal static string Credits(double credits) => credits.ToString("0.####", CultureInfo.InvariantCulture);
}
