using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Preflight.Api.Hosting;

/// <summary><c>Preflight:ApiKeys</c> (an array). Empty = the service is open (local use, tests).</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "Preflight:ApiKeys";
    public const string HeaderName = "X-Api-Key";

    public IReadOnlyList<string> Keys { get; set; } = [];

    public bool Enabled => Keys.Count > 0;
}

/// <summary><c>Preflight:RateLimit</c>: a fixed window per API key (or per client IP when no keys are configured).</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "Preflight:RateLimit";

    /// <summary>Requests allowed per window and client; 0 turns rate limiting off.</summary>
    [Range(0, int.MaxValue)]
    public int PermitLimit { get; set; } = 600;

    [TimeSpanRange("00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary><c>Preflight:Upload</c>: where uploads are streamed to and how slow a client may be.</summary>
public sealed class UploadOptions
{
    public const string SectionName = "Preflight:Upload";

    /// <summary>Root for private per-request temp folders; empty = the system temp folder + <c>preflight-uploads</c>.</summary>
    public string TempFolder { get; set; } = "";

    /// <summary>Added to the largest kind's size limit for the multipart framing (boundaries, part headers).</summary>
    [Range(0, 1L << 30)]
    public long MultipartOverheadBytes { get; set; } = 1024 * 1024;

    /// <summary>Overrides the body limit computed from the profile (0 = computed). Lets tests use tiny limits.</summary>
    [Range(0, long.MaxValue)]
    public long MaxBodyBytes { get; set; }

    [Range(1, 1000)]
    public int MaxFiles { get; set; } = 20;

    /// <summary>Slow-upload protection: a client sending less than this after the grace period is cut off.</summary>
    [Range(1, double.MaxValue)]
    public double MinBytesPerSecond { get; set; } = 4096;

    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan MinRateGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    public string ResolvedTempFolder => string.IsNullOrWhiteSpace(TempFolder)
        ? Path.Combine(Path.GetTempPath(), "preflight-uploads")
        : Path.GetFullPath(TempFolder);
}

/// <summary>Checks the <see cref="RangeAttribute"/>s of <see cref="RateLimitOptions"/> with code generated at build time.</summary>
[OptionsValidator]
internal sealed partial class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>;

/// <summary>Checks the <see cref="RangeAttribute"/>s of <see cref="UploadOptions"/> with code generated at build time.</summary>
[OptionsValidator]
internal sealed partial class UploadOptionsValidator : IValidateOptions<UploadOptions>;

/// <summary>
/// <c>[Range(typeof(TimeSpan), min, max)]</c> without its run-time <c>TypeConverter</c> lookup, which trimming and Native
/// AOT cannot see through. Same bounds (inclusive) and the same message.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class TimeSpanRangeAttribute(string minimum, string maximum)
    : ValidationAttribute("The field {0} must be between {1} and {2}.")
{
    public TimeSpan Minimum { get; } = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);

    public TimeSpan Maximum { get; } = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    public override bool IsValid(object? value) => value is not TimeSpan span || (span >= Minimum && span <= Maximum);

    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.CurrentCulture, ErrorMessageString, name, Minimum, Maximum);
}
