namespace Preflight.Staging;

/// <summary>
/// Configuration section <c>Preflight:Cache</c>: the verdict cache the HTTP service and the worker share through the
/// storage account (a small JSON blob per verdict key).
/// </summary>
public sealed class VerdictCacheOptions
{
    public const string Section = "Preflight:Cache";

    /// <summary>Default: on when a storage connection string is known (this section's, else the worker's or staging's).</summary>
    public bool? Enabled { get; set; }

    /// <summary>Storage account of the cache; default <c>Preflight:Worker:ConnectionString</c>, else <c>Preflight:Staging:ConnectionString</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Private container holding <c>verdicts/KEY.json</c> and the short-lived <c>claims/KEY</c> blobs.</summary>
    public string Container { get; set; } = "preflight-cache";

    /// <summary>How long a stored verdict is used; older ones are inspected again and replaced.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long one instance's claim on a content holds, and how long another instance waits for its verdict before
    /// inspecting the same bytes itself (a claim older than this belonged to an instance that died).
    /// </summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(2);

    public bool IsOn => Enabled ?? !string.IsNullOrWhiteSpace(ConnectionString);

    public string? Validate()
    {
        if (Enabled == true && string.IsNullOrWhiteSpace(ConnectionString))
            return "Preflight:Cache:Enabled is true but no storage connection string is set (Preflight:Cache:ConnectionString, Preflight:Worker:ConnectionString or Preflight:Staging:ConnectionString).";
        if (string.IsNullOrWhiteSpace(Container) || Container.Length is < 3 or > 63 || Container.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            return $"Preflight:Cache:Container '{Container}' is not a valid container name (3-63 lower-case letters, digits, '-').";
        if (Ttl <= TimeSpan.Zero) return "Preflight:Cache:Ttl must be positive.";
        if (ClaimTimeout < TimeSpan.FromSeconds(1) || ClaimTimeout > TimeSpan.FromHours(1))
            return "Preflight:Cache:ClaimTimeout must be between 1 second and 1 hour.";
        return null;
    }
}
