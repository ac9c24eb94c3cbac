using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Preflight.TestSupport;

/// <summary>
/// A real Azurite (blob + queue) for tests. The test command (scripts/test.sh) starts one and exports
/// <c>PREFLIGHT_TEST_AZURITE</c>; when run without it (e.g. from an IDE), this starts its own from
/// <c>.tools/azurite</c> on free loopback ports and stops it on dispose.
/// </summary>
public sealed class AzuriteFixture : IDisposable
{
    private const string Account = "devstoreaccount1";
    // Azurite's well-known development key (public, documented; not a secret).
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly Process? _process;
    private readonly string? _location;

    public AzuriteFixture()
    {
        var fromEnv = Environment.GetEnvironmentVariable("PREFLIGHT_TEST_AZURITE");
        if (!string.IsNullOrWhiteSpace(fromEnv))
        {
            ConnectionString = fromEnv;
            return;
        }

        var bin = Path.Combine(RepoPaths.Root, ".tools", "azurite", "node_modules", ".bin", "azurite");
        if (!File.Exists(bin))
            throw new InvalidOperationException("Azurite is not installed: run ./scripts/test.sh (it installs it into .tools/azurite and starts it).");

        var blobPort = FreePort();
        var queuePort = FreePort();
        _location = Path.Combine(Path.GetTempPath(), "preflight-azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_location);
        var start = new ProcessStartInfo(bin)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--blobHost", "127.0.0.1", "--blobPort", blobPort.ToString(), "--queueHost", "127.0.0.1", "--queuePort", queuePort.ToString(),
                     "--tableHost", "127.0.0.1", "--tablePort", FreePort().ToString(), "--location", _location, "--silent",
                     "--skipApiVersionCheck", "--disableTelemetry",
                 })
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start Azurite.");
        WaitForPort(blobPort);
        WaitForPort(queuePort);
        ConnectionString = Build(blobPort, queuePort);
    }

    public string ConnectionString { get; }

    public static string Build(int blobPort, int queuePort) =>
        $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/{Account};QueueEndpoint=http://127.0.0.1:{queuePort}/{Account};";

    /// <summary>A fresh, valid container/queue name so tests never share state.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)].ToLowerInvariant();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void WaitForPort(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }
        throw new InvalidOperationException($"Azurite did not listen on 127.0.0.1:{port} within 30 s.");
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        if (_location is not null)
        {
            try { Directory.Delete(_location, recursive: true); } catch (IOException) { }
        }
    }
}
