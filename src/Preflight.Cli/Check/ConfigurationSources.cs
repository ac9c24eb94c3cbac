using System.Collections;
using System.IO.Hashing;
using System.Text;

namespace Preflight.Cli.Check;

/// <summary>
/// Everything <see cref="CliHost.Configuration"/> reads, named without reading it: the status of
/// <c>appsettings.json</c> and <c>appsettings.{environment}.json</c> beside the executable, the environment's name, every
/// environment variable that can set a <c>Preflight:*</c> key (its name starts with "Preflight", in any case: the
/// variables provider only turns <c>__</c> into <c>:</c>), and the command line's settings and overrides. Two runs with
/// the same digest read the same configuration, so what the first one took from it (the profile's sources, see
/// <see cref="ProfileIdentity.Sources"/>) holds for the second, and a warm re-check builds no configuration at all.
/// </summary>
internal static class ConfigurationSources
{
    private static readonly string[] EnvironmentNames = ["DOTNET_ENVIRONMENT", "ASPNETCORE_ENVIRONMENT"];

    /// <summary>
    /// XXH128 (32 hex digits) of the sources, or null when a settings file's status is too recent to stand for its
    /// content (<see cref="ReportReplay.Settled"/>): then nothing is recalled. A hash, so no setting's value is written
    /// to the cache folder (itself private to the user, mode 700); not SHA-256, whose first use loads OpenSSL (~4 ms
    /// of a replay that needs no other cryptography).
    /// </summary>
    public static string? Digest(string baseDirectory, IDictionary environment, IEnumerable<string> settings,
        IEnumerable<KeyValuePair<string, string?>> overrides, DateTimeOffset started)
    {
        var text = new StringBuilder("preflight-configuration/1\n");
        Field(text, "base", Path.GetFullPath(baseDirectory));
        foreach (var name in EnvironmentNames) Field(text, name, environment[name] as string ?? "-");
        var environmentName = environment["DOTNET_ENVIRONMENT"] as string ?? environment["ASPNETCORE_ENVIRONMENT"] as string ?? "Production";
        foreach (var file in new[] { "appsettings.json", $"appsettings.{environmentName}.json" })
        {
            var status = FileStat.TryGet(Path.Combine(baseDirectory, file));
            if (status is { } known && !ReportReplay.Settled(known, started)) return null;
            Field(text, file, status?.ToString() ?? "-");
        }

        var variables = new List<(string Name, string Value)>();
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string name && name.StartsWith("Preflight", StringComparison.OrdinalIgnoreCase))
                variables.Add((name, entry.Value as string ?? ""));
        }
        variables.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var (name, value) in variables) Field(text, "env " + name, value);
        foreach (var setting in settings) Field(text, "arg", setting);
        foreach (var (key, value) in overrides) Field(text, "set " + key, value ?? "-");
        return Convert.ToHexStringLower(XxHash128.Hash(Encoding.UTF8.GetBytes(text.ToString())));
    }

    // Lengths first: no value, whatever characters it holds, can read as the start of the next field.
    private static void Field(StringBuilder text, string name, string value) =>
        text.Append(name.Length).Append(':').Append(name).Append('=').Append(value.Length).Append(':').Append(value).Append('\n');
}
