namespace Preflight.Core.Fetching;

/// <summary>How <see cref="UrlFetcher"/> reaches URLs. Bound from configuration section <see cref="SectionName"/>.</summary>
public sealed record FetchOptions
{
    public const string SectionName = "Preflight:Fetch";

    /// <summary>Lets URLs reach loopback and private networks (tests, local setups). Metadata and link-local stay blocked.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Redirects followed by hand, each hop re-checked.</summary>
    public int MaxRedirects { get; set; } = 5;

    /// <summary>The whole fetch: connect, every redirect hop and the body.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>One TCP (and TLS) connection attempt.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public string UserAgent { get; set; } = "Preflight/" + Reports.ToolInfo.Current.Version + " (media preflight)";

    /// <summary>Fetches running at once through one <see cref="UrlFetcher"/>; more wait their turn.</summary>
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>
    /// Fetches of URLs on one host running at once (all requests and jobs together); more wait their turn without
    /// holding one of the <see cref="MaxConcurrency"/> slots, so other hosts go ahead.
    /// </summary>
    public int MaxConcurrentPerHost { get; set; } = 4;

    /// <summary>Bytes the first ranged request asks for (internal: tests shrink it so small files take the ranged path).</summary>
    internal int RangeHeadBytes { get; init; } = 256 * 1024;

    /// <summary>The shortest later range (a box header read is usually followed by its payload).</summary>
    internal int MinRangeBytes { get; init; } = 128 * 1024;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRedirects, nameof(MaxRedirects));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(Timeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrency, 1, nameof(MaxConcurrency));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentPerHost, 1, nameof(MaxConcurrentPerHost));
        ArgumentException.ThrowIfNullOrWhiteSpace(UserAgent, nameof(UserAgent));
    }
}
