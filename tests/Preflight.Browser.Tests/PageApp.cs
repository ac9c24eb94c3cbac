using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Preflight.Api.Hosting;
using Preflight.TestSupport;

namespace Preflight.Browser.Tests;

/// <summary>The service on real Kestrel at 127.0.0.1 on a free port, composed as <c>preflight serve</c> composes it.</summary>
internal sealed class PageApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempDir _temp;

    private PageApp(WebApplication app, TempDir temp, Uri address)
    {
        _app = app;
        _temp = temp;
        Address = address;
    }

    public Uri Address { get; }

    public string Url(string path) => new Uri(Address, path).ToString();

    public static async Task<PageApp> StartAsync(params (string Key, string? Value)[] settings)
    {
        var temp = new TempDir();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = temp.Path });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(
            settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))
                .Append(new("Preflight:Upload:TempFolder", temp.File("uploads")))
                .Append(new("Preflight:Staging:LocalPath", temp.File("staged"))));
        builder.AddPreflight();
        var app = builder.Build();
        app.MapPreflight();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new PageApp(app, temp, new Uri(address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _temp.Dispose();
    }
}
