using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Preflight.Cli.Commands;
using Preflight.TestSupport;

namespace Preflight.Cli.Tests;

/// <summary>
/// <c>preflight serve</c> on real Kestrel at 127.0.0.1 on a free port, composed by the command's own
/// <see cref="ServeCommand.Compose"/> (the HTTP face, plus the worker when <c>Preflight:Worker:Enabled</c>).
/// </summary>
internal sealed class ServeApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDir _temp;

    private ServeApp(WebApplication app, TempDir temp, Uri address)
    {
        _app = app;
        _temp = temp;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<ServeApp> StartAsync(params (string Key, string? Value)[] settings)
    {
        var temp = new TempDir();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = temp.Path });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(
            new[] { new KeyValuePair<string, string?>("Preflight:Upload:TempFolder", temp.File("uploads")), new("Preflight:Staging:LocalPath", temp.File("staged")) }
                .Concat(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))));
        var app = ServeCommand.Compose(builder);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            temp.Dispose();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ServeApp(app, temp, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _temp.Dispose();
    }

    public static MultipartFormDataContent Multipart(params (string FileName, byte[] Bytes)[] files)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(part, "file", name);
        }
        return content;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
