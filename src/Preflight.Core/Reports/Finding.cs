using System.Text.Json.Serialization;

namespace Preflight.Core.Reports;

[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    [JsonStringEnumMemberName("error")] Error,
    [JsonStringEnumMemberName("warning")] Warning,
    [JsonStringEnumMemberName("info")] Info,
}

/// <summary>One thing Preflight found about a file or request. The code is a stable contract.</summary>
public sealed record Finding(
    string Code,
    Severity Severity,
    string Message,
    string? Actual = null,
    string? Limit = null,
    string? Fix = null)
{
    public static Finding Error(string code, string message, string? actual = null, string? limit = null, string? fix = null) =>
        new(code, Severity.Error, message, actual, limit, fix);

    public static Finding Warning(string code, string message, string? actual = null, string? limit = null, string? fix = null) =>
        new(code, Severity.Warning, message, actual, limit, fix);

    public static Finding Info(string code, string message, string? actual = null, string? limit = null) =>
        new(code, Severity.Info, message, actual, limit);
}
