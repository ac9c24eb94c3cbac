using Preflight.Core.Inspection;
using Preflight.Core.Reports;

namespace Preflight.Api.Hosting;

/// <summary>The engine call. A delegate rather than the sealed <see cref="Inspector"/> so tests can stand in for it.</summary>
internal delegate Task<FileReport> InspectFile(InspectionRequest request, InspectionOptions options, CancellationToken cancellationToken);

/// <summary>Runs inspections through the gate's slots, so a burst queues instead of exhausting CPU and memory.</summary>
internal sealed class InspectionRunner(InspectFile inspect, InspectionGate gate)
{
    public Task<FileReport> InspectAsync(InspectionRequest request, InspectionOptions options, CancellationToken cancellationToken) =>
        gate.RunAsync(ct => inspect(request, options, ct), cancellationToken);
}
