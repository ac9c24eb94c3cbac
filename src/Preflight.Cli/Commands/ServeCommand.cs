using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Configuration;
using Preflight.Api.Hosting;
using Preflight.Hosting;
using Preflight.Worker;

namespace Preflight.Cli.Commands;

/// <summary><c>preflight serve [--urls URL]</c>: the HTTP preflight service (same app as <c>dotnet run --project src/Preflight.Api</c>).</summary>
public sealed class ServeCommand : ICliCommand
{
    public const string DefaultUrls = StagingSetup.DefaultServiceUrl;

    public string Name => "serve";

    public string Summary => "Run the HTTP preflight service (uploads, URLs, jobs, staging).";

    public string Help => $$"""
        Usage: preflight serve [--urls URL] [--Section:Key=value ...]

        Starts the HTTP service. Defaults work with no configuration; settings come from appsettings.json,
        environment variables (Preflight__Section__Key) and --Section:Key=value arguments.

        Options:
          --urls URL      Where to listen (default {{DefaultUrls}}; use http://0.0.0.0:8080 in a container).
          -h, --help      Show this help.

        Endpoints: POST /v1/preflight/files, POST /v1/preflight/urls, POST /v1/preflight/jobs, GET /v1/profiles,
        GET /staged/{name}, GET /healthz, GET /openapi/v1.json, GET /docs.

        """;

    /// <summary>
    /// The service <c>serve</c> runs: the HTTP face and, when <c>Preflight:Worker:Enabled</c>, the queue worker beside
    /// it on the same engine (one set of inspection slots, one <c>/healthz</c>). The CLI composes the faces; they never
    /// reference each other. The switch is read from the configuration the builder starts with.
    /// </summary>
    internal static WebApplication Compose(WebApplicationBuilder builder)
    {
        builder.AddPreflight();
        if (builder.Configuration.GetValue<bool>($"{WorkerOptions.Section}:{nameof(WorkerOptions.Enabled)}"))
            builder.Services.AddPreflightWorker(builder.Configuration);
        var app = builder.Build();
        app.MapPreflight();
        return app;
    }

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken)
    {
        if (args.Any(a => a is "-h" or "--help"))
        {
            await context.Out.WriteAsync(Help);
            return ExitCodes.Pass;
        }

        // Everything else is ASP.NET Core configuration (--urls, --Preflight:Fetch:AllowPrivateNetworks=true, ...).
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [.. args], ContentRootPath = AppContext.BaseDirectory });
        if (string.IsNullOrEmpty(builder.Configuration["urls"])) builder.WebHost.UseUrls(DefaultUrls);
        try
        {
            await using var app = Compose(builder);
            // Say what is wrong in one line, before the host starts and logs a stack trace about it.
            PreflightEngine.ValidateConfiguration(app.Services);
            await HostingAbstractionsHostExtensions.RunAsync(app, cancellationToken);
            return ExitCodes.Pass;
        }
        catch (OptionsValidationException e)
        {
            throw CliHost.InvalidConfiguration(e);
        }
        catch (IOException e) when (e.InnerException is System.Net.Sockets.SocketException || e.Message.Contains("address", StringComparison.OrdinalIgnoreCase))
        {
            throw new CliSetupException($"cannot listen: {e.Message}", e);
        }
    }
}
