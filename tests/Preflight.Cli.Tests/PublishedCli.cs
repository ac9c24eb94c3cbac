using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

internal sealed record CliRun(int Code, string Stdout, string Stderr);

/// <summary>
/// One build of the CLI run as a real process: the JIT build referenced by this test project (<c>dotnet preflight.dll</c>)
/// or the build users run (<c>scripts/lib.sh: publish_cli</c>: Native AOT, ReadyToRun without a C toolchain).
/// </summary>
internal sealed class CliBuild(string name, string fileName, params string[] leadingArgs)
{
    public string Name { get; } = name;

    private string FileName { get; } = fileName;

    public override string ToString() => $"{Name} ({string.Join(' ', [FileName, .. leadingArgs])})";

    /// <summary>The CLI's entry assembly: the project is referenced, so it sits next to the test assembly.</summary>
    // Declared before Jit: static initialisers run in this order.
    public static string JitDll { get; } = Path.Combine(AppContext.BaseDirectory, "preflight.dll");

    /// <summary>The JIT build next to the tests (the CLI project is referenced).</summary>
    public static CliBuild Jit { get; } = CreateJit();

    /// <summary>
    /// The published CLI: <c>PREFLIGHT_TEST_CLI</c> (set by scripts/test.sh), else published once per test run into a
    /// temp folder exactly as <c>./preflight</c> does (minutes; never skipped: it is the build users run).
    /// </summary>
    public static CliBuild Published => LazyPublished.Value;

    private static readonly Lazy<CliBuild> LazyPublished = new(Publish, LazyThreadSafetyMode.ExecutionAndPublication);

    private static CliBuild CreateJit()
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        return new CliBuild("JIT", dotnet, JitDll);
    }

    private static CliBuild Publish()
    {
        var path = Environment.GetEnvironmentVariable("PREFLIGHT_TEST_CLI");
        if (string.IsNullOrWhiteSpace(path))
        {
            // The build's intermediates (~400 MB) go at once; the executable (~35 MB) stays in the temp folder, since the
            // Lazy has no end-of-run hook and a test may still be running it.
            var folder = Path.Combine(Path.GetTempPath(), "preflight-test-cli-" + Guid.NewGuid().ToString("N"));
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("source \"$1/scripts/lib.sh\" && publish_cli \"$2/cli\" \"$2/artifacts\" && rm -rf \"$2/artifacts\" && cli_command \"$2/cli\" && printf '%s' \"${preflight_cli[-1]}\"");
            start.ArgumentList.Add("publish");
            start.ArgumentList.Add(RepoPaths.Root);
            start.ArgumentList.Add(folder);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"publish_cli failed (exit {process.ExitCode}): {stderr.Result}");
            path = stdout.Trim();
        }
        if (!File.Exists(path)) throw new InvalidOperationException($"PREFLIGHT_TEST_CLI does not name a file: {path} (scripts/test.sh says why publishing failed)");
        return path.EndsWith(".dll", StringComparison.Ordinal)
            ? new CliBuild("ReadyToRun", Jit.FileName, path)
            : new CliBuild("AOT", path);
    }

    private ProcessStartInfo StartInfo(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(FileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The verdict cache goes into a folder of its own, never into the user's cache folder or a checked one.
        start.Environment["XDG_CACHE_HOME"] = Path.Combine(Path.GetTempPath(), "preflight-test-cache-" + Guid.NewGuid().ToString("N"));
        foreach (var arg in leadingArgs.Concat(args)) start.ArgumentList.Add(arg);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(key);
            else start.Environment[key] = value;
        }
        return start;
    }

    public async Task<CliRun> RunAsync(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var start = StartInfo(workingDirectory, environment, args);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{this} {string.Join(' ', args)} ran over 2 minutes");
        }
        finally
        {
            try { Directory.Delete(start.Environment["XDG_CACHE_HOME"]!, recursive: true); } catch (IOException) { }
        }
        return new CliRun(process.ExitCode, await stdout, await stderr);
    }

    public Task<CliRun> RunAsync(string workingDirectory, params string[] args) => RunAsync(workingDirectory, null, args);

    /// <summary>Starts a long-running command (<c>serve</c>, <c>worker</c>); its output is kept for failure messages.</summary>
    public RunningCli Start(string workingDirectory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var start = StartInfo(workingDirectory, environment, args);
        return new RunningCli(this, Process.Start(start)!, start.Environment["XDG_CACHE_HOME"]!);
    }
}

/// <summary>A <c>serve</c> or <c>worker</c> process; disposing it kills it.</summary>
internal sealed class RunningCli : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _cacheHome;

    public RunningCli(CliBuild build, Process process, string cacheHome)
    {
        Build = build;
        _process = process;
        _cacheHome = cacheHome;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public CliBuild Build { get; }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>Sends a signal by name (<c>INT</c>, <c>TERM</c>) as a terminal or a service manager would.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>
    /// Whether the process ignores signal <paramref name="number"/> (Linux <c>SigIgn</c>): started from a background
    /// job or under nohup, SIGINT is ignored on entry and stays so, as for any POSIX tool.
    /// </summary>
    public bool IgnoresSignal(int number)
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null
            && ulong.TryParse(line["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var mask)
            && (mask & (1UL << (number - 1))) != 0;
    }

    /// <summary>Waits until the output holds <paramref name="text"/>, or the time is up (false).</summary>
    public async Task<bool> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal) && !_process.HasExited && DateTime.UtcNow < deadline) await Task.Delay(50);
        return Output.Contains(text, StringComparison.Ordinal);
    }

    /// <summary>The exit code once the process ends, or null if it is still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> ExitCodeAsync(TimeSpan timeout)
    {
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process.Dispose();
        try { Directory.Delete(_cacheHome, recursive: true); } catch (IOException) { }
    }
}

/// <summary>
/// What may differ between two runs of the same build: timings, per-request trace ids, blob ETags. Everything else (verdicts,
/// findings, messages, media facts) must not.
/// </summary>
internal static partial class Normalise
{
    /// <summary>
    /// JSON with every duration in milliseconds (<c>durationMs</c>, <c>elapsedMs</c>) set to 0, every point in time
    /// (<c>expiresAt</c>), a problem's <c>traceId</c> and a blob's <c>sourceETag</c> replaced; indented, so differences show line by line.
    /// </summary>
    public static string Json(string json)
    {
        var node = JsonNode.Parse(json);
        Replace(node);
        return node?.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) ?? "null";
    }

    private static void Replace(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (value is not JsonValue) Replace(value);
                    else if (key.EndsWith("Ms", StringComparison.Ordinal)) obj[key] = 0;
                    else if (key.EndsWith("At", StringComparison.Ordinal) && key != "readAt") obj[key] = "TIME"; // readAt: a source's date, data
                    else if (key == "traceId") obj[key] = "TRACE";
                    else if (key.EndsWith("ETag", StringComparison.Ordinal)) obj[key] = "ETAG"; // a blob's upload, not its content
                }
                break;
            case JsonArray array:
                foreach (var item in array) Replace(item);
                break;
        }
    }

    /// <summary>Text reports: only the closing "N files: P passed, F failed in 63 ms" line's time (media durations stay).</summary>
    public static string Text(string text) => SummaryTime().Replace(text, "${summary}T");

    [GeneratedRegex(@"^(?<summary>\d+ files?: \d+ passed, \d+ failed in )\d+(?:\.\d)? m?s$", RegexOptions.Multiline)]
    private static partial Regex SummaryTime();
}
