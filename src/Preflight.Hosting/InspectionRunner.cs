using Preflight.Core.Inspection;
using Preflight.Core.Reports;

namespace Preflight.Hosting;

/// <summary>
/// Runs inspections through the gate's slots, so a burst queues instead of exhausting CPU and memory. Every
/// long-running face (HTTP requests, the queue worker) inspects through this one runner: one limit for the machine.
/// </summary>
public sealed class InspectionRunner(InspectFile inspect, InspectionGate gate)
{
    public Task<FileReport> InspectAsync(InspectionRequest request, InspectionOptions options, CancellationToken cancellationToken) =>
        gate.RunAsync(ct => inspect(request, options, ct), cancellationToken);
}
