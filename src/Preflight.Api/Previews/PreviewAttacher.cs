using Microsoft.Extensions.Options;
using Preflight.Hosting;
using Preflight.Api.Hosting;
using Preflight.Core.Previews;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;

namespace Preflight.Api.Previews;

/// <summary>
/// <c>?previews=true</c>: while the inspected file still exists, makes its preview (through the inspection slots:
/// ffmpeg and decoding cost CPU like an inspection), keeps it in the <see cref="PreviewStore"/> for
/// <c>GET /v1/previews/{sha256}</c> and inlines it as the entry's <c>preview</c>. A preview that cannot be made
/// leaves the entry as it was: previews never change a verdict.
/// </summary>
internal sealed class PreviewAttacher(PreviewMaker maker, PreviewStore store, InspectionGate gate, ILogger<PreviewAttacher> logger)
{
    public async Task<FileReport> AttachAsync(FileReport report, string path, bool wanted, string baseUrl, CancellationToken cancellationToken)
    {
        // A file the deep check found corrupt gets no preview, even one kept for its bytes by an earlier quick check.
        if (!wanted || report.Sha256 is not { Length: 64 } sha256 || !PreviewMaker.MayPreview(report)) return report;
        try
        {
            var preview = store.Get(sha256) ?? await gate.RunAsync(ct => maker.MakeAsync(report, path, ct), cancellationToken);
            if (preview is null) return report;
            store.Put(sha256, preview);
            return report with { Preview = preview.ToInfo($"{baseUrl.TrimEnd('/')}/v1/previews/{sha256}") };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug in preview making must not cost the user their report.
            logger.LogWarning("A preview could not be made: {Error}", e.GetType().Name);
            return report;
        }
    }
}

internal static class PreviewSetup
{
    public static IServiceCollection AddPreflightPreviews(this IServiceCollection services)
    {
        services.AddOptions<PreviewStoreOptions>().BindConfiguration(PreviewStoreOptions.Section)
            .Validate(o => o.Ttl > TimeSpan.Zero && o.MaxCount >= 0 && o.MaxBytes >= 0,
                "Preflight:Previews: Ttl must be positive, MaxCount and MaxBytes not negative.")
            .ValidateOnStart();
        services.AddSingleton(sp => new PreviewStore(
            sp.GetRequiredService<IOptions<PreviewStoreOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new PreviewMaker(sp.GetRequiredService<MediaTools>()));
        services.AddSingleton<PreviewAttacher>();
        return services;
    }
}
