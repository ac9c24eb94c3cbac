using Microsoft.Extensions.Options;
using Preflight.Core.Inspection;
using Preflight.Core.Reports;

namespace Preflight.Staging;

/// <summary>
/// The services' shared verdict cache (<c>Preflight:Cache</c>), or a pass-through when it is off. Hosts route their one
/// inspection entry point through <see cref="InspectAsync"/>, so the HTTP service and the worker share verdicts.
/// </summary>
public sealed class VerdictCache
{
    private readonly CachedInspection? _cached;

    public VerdictCache(IOptions<VerdictCacheOptions> options, TimeProvider time)
    {
        var o = options.Value;
        if (!o.IsOn) return;
        _cached = new CachedInspection(new BlobVerdictStore(o, time), new VerdictWait(o.ClaimTimeout, TimeSpan.FromMilliseconds(250)), time);
    }

    public bool Enabled => _cached is not null;

    public Task<FileReport> InspectAsync(
        InspectionRequest request, InspectionOptions options,
        Func<InspectionRequest, InspectionOptions, CancellationToken, Task<FileReport>> inspect, CancellationToken cancellationToken) =>
        _cached is null ? inspect(request, options, cancellationToken) : _cached.InspectAsync(request, options, inspect, cancellationToken);
}
