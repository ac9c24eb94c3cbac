using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Preflight.Api.Hosting;
using Preflight.Core.Inspection;
using Preflight.Hosting;
using Preflight.TestSupport;

namespace Preflight.Api.Tests;

/// <summary>
/// The real app in memory, configured like production (no developer exception page) with its own temp folder,
/// optional settings (tiny limits) and optionally a stand-in for the engine call.
/// </summary>
public sealed class PreflightApiFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly TempDir _temp = new();

    public PreflightApiFactory(params (string Key, string? Value)[] settings)
    {
        _settings = settings.ToDictionary(s => s.Key, s => s.Value);
        _settings["Preflight:Upload:TempFolder"] = UploadFolder;
        // The local staging store writes under the current directory by default: keep every test's files apart.
        _settings.TryAdd("Preflight:Staging:LocalPath", StagedFolder);
    }

    public string UploadFolder => _temp.File("uploads");

    public string StagedFolder => _temp.File("staged");

    /// <summary>Replaces the engine call (blocking, throwing) when a test needs to control it.</summary>
    internal InspectFile? Inspect { get; init; }

    public LogCollector Logs { get; } = new();

    public IReadOnlyList<string> FilesLeftInUploadFolder() =>
        Directory.Exists(UploadFolder) ? Directory.EnumerateFileSystemEntries(UploadFolder, "*", SearchOption.AllDirectories).ToList() : [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(_settings));
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            if (Inspect is not null) services.AddSingleton(Inspect);
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _temp.Dispose();
    }
}

/// <summary>Every formatted log line the app writes, to check what must never be logged.</summary>
public sealed class LogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToList();

    public ILogger CreateLogger(string categoryName) => new Collector(this, categoryName);

    public void Dispose() { }

    private sealed class Collector(LogCollector owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
    }
}
