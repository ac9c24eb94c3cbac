using Azure.Storage.Blobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Preflight.Staging;

namespace Preflight.Hosting;

/// <summary>
/// Staging for every face: <c>Preflight:Staging</c> validated at start, the store (Azure Blob when a connection
/// string is set, else the local folder that <c>preflight serve</c> serves at <c>/staged/{name}</c>) and the
/// <see cref="Stager"/>. <c>Preflight:PublicBaseUrl</c> is read here and nowhere else.
/// </summary>
public static class StagingSetup
{
    public const string PublicBaseUrlKey = "Preflight:PublicBaseUrl";

    /// <summary>
    /// Where <c>preflight serve</c> listens when not told otherwise; the local store's URLs point there when neither
    /// <c>Preflight:PublicBaseUrl</c> nor a request says better (e.g. <c>preflight check --stage</c>).
    /// </summary>
    public const string DefaultServiceUrl = "http://127.0.0.1:8080";

    internal static IServiceCollection AddPreflightStaging(this IServiceCollection services)
    {
        services.AddClosedOptions<StagingOptions>().BindConfiguration(StagingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StagingOptions>, StagingOptionsValidator>();
        services.AddSingleton(sp => Stager.CreateStore(
            sp.GetRequiredService<IOptions<StagingOptions>>().Value,
            PublicBaseUrl(sp.GetRequiredService<IConfiguration>())));
        services.AddSingleton<Stager>();
        services.AddSingleton<StagingHealthCache>();
        return services;
    }

    /// <summary>The configured public base URL (trimmed), or null to build URLs from each request's scheme and host.</summary>
    public static string? PublicBaseUrl(IConfiguration configuration) =>
        string.IsNullOrWhiteSpace(configuration[PublicBaseUrlKey]) ? null : configuration[PublicBaseUrlKey]!.Trim();
}

/// <summary>Says exactly which staging setting is wrong, at start-up rather than at the first staged file.</summary>
internal sealed class StagingOptionsValidator(IConfiguration configuration) : IValidateOptions<StagingOptions>
{
    public ValidateOptionsResult Validate(string? name, StagingOptions options)
    {
        if (options.Validate() is { } problem) return ValidateOptionsResult.Fail(problem);

        if (StagingSetup.PublicBaseUrl(configuration) is { } baseUrl
            && !(Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                 && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment) && string.IsNullOrEmpty(uri.UserInfo)))
        {
            return ValidateOptionsResult.Fail(
                $"{StagingSetup.PublicBaseUrlKey} must be an absolute http(s) URL without credentials, query or fragment.");
        }

        if (!options.UsesAzure) return ValidateOptionsResult.Success;
        try
        {
            // Parses the connection string only; nothing is sent.
            var container = new BlobContainerClient(options.ConnectionString, options.Container);
            if (options.Access == StagingAccess.Sas && !container.CanGenerateSasUri)
                return ValidateOptionsResult.Fail("Preflight:Staging:Access 'sas' needs a connection string with an account key to sign URLs.");
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // Never echo the connection string: it holds the account key.
            return ValidateOptionsResult.Fail("Preflight:Staging:ConnectionString is not a valid Azure Storage connection string.");
        }
        return ValidateOptionsResult.Success;
    }
}

/// <summary>
/// The store's health for <c>/healthz</c>. Checking it may call Azure, so probes every few seconds share one
/// answer for a while, and a store that does not answer in time counts as unhealthy instead of hanging the probe.
/// </summary>
public sealed class StagingHealthCache(IStagingStore store, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly SemaphoreSlim _lock = new(1, 1);
    // A reference swapped whole, so the lock-free read in Fresh() never sees half an update.
    private volatile Entry? _last;

    public async Task<StoreHealth> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } cached) return cached;
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } again) return again;
            StoreHealth health;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            try
            {
                health = await store.CheckHealthAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                health = new StoreHealth(KindOf(store), false, $"no answer within {Timeout.TotalSeconds:0} s");
            }
            _last = new Entry(health, time.GetUtcNow());
            return health;
        }
        finally
        {
            _lock.Release();
        }
    }

    private StoreHealth? Fresh() =>
        _last is { } last && time.GetUtcNow() - last.At < Lifetime ? last.Health : null;

    private static string KindOf(IStagingStore store) => store is LocalFolderStagingStore ? "local-folder" : "azure-blob";

    public void Dispose() => _lock.Dispose();

    private sealed record Entry(StoreHealth Health, DateTimeOffset At);
}
