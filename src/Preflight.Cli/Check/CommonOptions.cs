using System.Globalization;
using Preflight.Core.Reports;
using Preflight.Core.Reports.Writers;
using Preflight.Core.Rules;

namespace Preflight.Cli.Check;

/// <summary>The options <c>check</c> and <c>fix</c> share, parsed and written the same way.</summary>
internal static class CommonOptions
{
    private const int MaxJobs = 1024;

    /// <summary>
    /// The --plan as written (lower case). It is checked by <see cref="CheckPlanOf"/> once the engine has resolved the
    /// profile: a user profile (--profile FILE) may define plans the default profile does not have.
    /// </summary>
    public static string? Plan(ParsedArgs parsed) => parsed.Value("--plan")?.ToLowerInvariant();

    /// <summary>The --plan checked against the profile the engine resolved (--profile, Preflight:Profile, else heygen).</summary>
    public static void CheckPlanOf(Profile profile, string? plan, ParsedArgs parsed, string helpCommand) =>
        CheckPlanOf(profile.Name, profile.PlanOrder, profile.IsKnownPlan, plan, parsed, helpCommand);

    public static void CheckPlanOf(
        string profileName, IReadOnlyList<string> planOrder, Func<string, bool> isKnownPlan, string? plan, ParsedArgs parsed, string helpCommand)
    {
        if (plan is not null && !isKnownPlan(plan))
        {
            throw new CliUsageException(planOrder.Count == 0
                ? $"unknown plan '{parsed.Value("--plan")}': the '{profileName}' profile has no plans"
                : $"unknown plan '{parsed.Value("--plan")}': use one of {string.Join(", ", planOrder)}", helpCommand);
        }
    }

    public static string Format(ParsedArgs parsed, IReadOnlyCollection<string> formats, string helpCommand)
    {
        var format = parsed.Value("--format")?.ToLowerInvariant() ?? ReportWriters.Table;
        if (!formats.Contains(format))
            throw new CliUsageException($"unknown format '{parsed.Value("--format")}': use one of {string.Join(", ", formats)}", helpCommand);
        return format;
    }

    public static int Jobs(ParsedArgs parsed, string helpCommand)
    {
        var jobs = Environment.ProcessorCount;
        if (parsed.Value("--jobs") is { } jobsText
            && (!int.TryParse(jobsText, NumberStyles.None, CultureInfo.InvariantCulture, out jobs) || jobs < 1 || jobs > MaxJobs))
            throw new CliUsageException($"bad --jobs '{jobsText}': give a whole number from 1 to {MaxJobs}", helpCommand);
        return jobs;
    }

    /// <summary>The report to standard output, or to the --output file (replaced only when complete).</summary>
    /// <summary>The writer for <paramref name="format"/>: a table is coloured only on a terminal, never in an --output file.</summary>
    public static IReportWriter WriterFor(string format, bool colour) =>
        ReportWriters.For(format, new TableWriterOptions { Color = colour })!;

    /// <summary>Writes a stored answer (<see cref="ReportReplay"/>) where <see cref="WriteReportAsync"/> writes a report.</summary>
    public static async Task WriteReplayAsync(ReportReplay replay, string durationText, ReportFile? reportFile, CliContext context, CancellationToken cancellationToken)
    {
        if (reportFile is not null)
        {
            await reportFile.WriteAndCommitAsync(async file =>
            {
                await file.Writer.FlushAsync(cancellationToken);
                replay.WriteTo(file.Stream, durationText);
            }, cancellationToken);
        }
        else if (context.OutStream is { } stdout)
        {
            await context.Out.FlushAsync(cancellationToken);
            replay.WriteTo(stdout, durationText);
        }
        else
        {
            using var buffer = new MemoryStream();
            replay.WriteTo(buffer, durationText);
            await context.Out.WriteAsync(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length).AsMemory(), cancellationToken);
            await context.Out.FlushAsync(cancellationToken);
        }
    }

    public static async Task WriteReportAsync(CheckReport report, string format, ReportFile? reportFile, CliContext context, CancellationToken cancellationToken)
    {
        var writer = WriterFor(format, colour: context.Color && reportFile is null);
        if (reportFile is null)
        {
            if (context.OutStream is { } stdout)
            {
                await context.Out.FlushAsync(cancellationToken);
                await writer.WriteAsync(report, stdout, cancellationToken);
            }
            else await writer.WriteAsync(report, context.Out, cancellationToken);
            return;
        }
        await reportFile.WriteAndCommitAsync(file => writer.WriteAsync(report, file.Writer, cancellationToken), cancellationToken);
    }
}
