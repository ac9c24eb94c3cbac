using System.Text.Json;

namespace Preflight.Core.Reports.Writers;

/// <summary>The report as JSON, exactly the <see cref="PreflightJson.Options"/> shape the HTTP API answers with.</summary>
public sealed class JsonReportWriter : IReportWriter
{
    public string Format => ReportWriters.Json;

    public string MediaType => "application/json";

    public string DurationText(long milliseconds) => milliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task WriteAsync(CheckReport report, TextWriter output, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(report, PreflightJson.Options.Info<CheckReport>());
        await output.WriteAsync(json.AsMemory(), cancellationToken);
        await output.WriteAsync(Environment.NewLine.AsMemory(), cancellationToken);
        await output.FlushAsync(cancellationToken);
    }

    /// <summary>
    /// Serialized straight onto the stream in small chunks: no whole-report string (a 1,600-file report is ~1 MB of
    /// UTF-8, twice that as a string, then encoded again), which was a fifth of a warm re-check's time.
    /// </summary>
    public Task WriteAsync(CheckReport report, Stream output, CancellationToken cancellationToken)
    {
        // Synchronous on purpose: the console stream has no asynchronous write of its own, so each asynchronous chunk
        // would be a hop to the thread pool (the only threads a warm re-check would start).
        cancellationToken.ThrowIfCancellationRequested();
        JsonSerializer.Serialize(output, report, PreflightJson.Options.Info<CheckReport>());
        output.Write(NewLine);
        output.Flush();
        return Task.CompletedTask;
    }

    private static readonly byte[] NewLine = System.Text.Encoding.UTF8.GetBytes(Environment.NewLine);
}
