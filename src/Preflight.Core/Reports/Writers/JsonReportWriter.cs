using System.Text.Json;

namespace Preflight.Core.Reports.Writers;

/// <summary>The report as JSON, exactly the <see cref="PreflightJson.Options"/> shape the HTTP API answers with.</summary>
public sealed class JsonReportWriter : IReportWriter
{
    public string Format => ReportWriters.Json;

    public string MediaType => "application/json";

    public async Task WriteAsync(CheckReport report, TextWriter output, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(report, PreflightJson.Options.Info<CheckReport>());
        await output.WriteAsync(json.AsMemory(), cancellationToken);
        await output.WriteAsync(Environment.NewLine.AsMemory(), cancellationToken);
        await output.FlushAsync(cancellationToken);
    }
}
