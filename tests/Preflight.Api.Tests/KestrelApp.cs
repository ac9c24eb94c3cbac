using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Preflight.Api.Hosting;
using Preflight.TestSupport;

namespace Preflight.Api.Tests;

/// <summary>
/// The app on real Kestrel at 127.0.0.1 on a free port, composed exactly as <c>preflight serve</c> composes it.
/// Needed for what the in-memory server does not enforce: body size limits, connection handling.
/// </summary>
internal sealed class KestrelApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDir _temp;

    private KestrelApp(WebApplication app, TempDir temp, Uri address)
    {
        _app = app;
        _temp = temp;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public string UploadFolder => _temp.File("uploads");

    public IReadOnlyList<string> FilesLeftInUploadFolder() =>
        Directory.Exists(UploadFolder) ? Directory.EnumerateFileSystemEntries(UploadFolder, "*", SearchOption.AllDirectories).ToList() : [];

    public static async Task<KestrelApp> StartAsync(params (string Key, string? Value)[] settings)
    {
        var temp = new TempDir();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = temp.Path });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(
            settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))
                .Append(new("Preflight:Upload:TempFolder", temp.File("uploads")))
                .Append(new("Preflight:Staging:LocalPath", temp.File("staged"))));
        WebApplication? app = null;
        try
        {
            builder.AddPreflight();
            app = builder.Build();
            app.MapPreflight();
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new KestrelApp(app, temp, new Uri(address));
        }
        catch
        {
            // A start that fails (an invalid setting) leaves nothing behind.
            if (app is not null) await app.DisposeAsync();
            temp.Dispose();
            throw;
        }
    }

    /// <summary>A raw TCP connection to the app, to send exactly the bytes a test needs (and stop half-way).</summary>
    public async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Address.Port));
        return socket;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _temp.Dispose();
    }

    /// <summary>Reads until the server closes the connection (or <paramref name="max"/> bytes).</summary>
    public static async Task<string> ReadAllAsync(Socket socket, int max = 1 << 20)
    {
        var buffer = new byte[16 * 1024];
        var all = new MemoryStream();
        try
        {
            int read;
            while (all.Length < max && (read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0) all.Write(buffer, 0, read);
        }
        catch (SocketException)
        {
            // A reset after the response: what arrived before it is what counts.
        }
        return Encoding.UTF8.GetString(all.ToArray());
    }
}
