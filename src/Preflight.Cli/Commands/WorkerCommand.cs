using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Preflight.Hosting;
using Preflight.Worker;

namespace Preflight.Cli.Commands;

/// <summary><c>preflight worker</c>: the upload-pipeline stage on Azure Storage queues.</summary>
public sealed class WorkerCommand : ICliCommand
{
    public string Name => "worker";

    public string Summary => "Run the queue-driven pipeline stage (Azure Storage queue in, staged or rejected out).";

    public string Help => """
        Usage: preflight worker [--Section:Key=value ...]

        Reads requests from an Azure Storage queue (Azurite locally), inspects each blob, stages passing files,
        copies failing ones with their report to the rejected container, and writes a result message.
        Scale out by running more workers: they compete for messages. Stops cleanly on Ctrl-C / SIGTERM.

        Configuration (environment Preflight__Worker__Xxx, or --Preflight:Worker:Xxx=value):
          ConnectionString   Storage account (default: Preflight__Staging__ConnectionString)
          RequestQueue       default preflight-requests (poison: <RequestQueue>-poison)
          ResultQueue        default preflight-results
          RejectedContainer  default preflight-rejected
          Concurrency        messages at once (default: cores)
          VisibilityTimeout  default 00:05:00
          MaxDequeueCount    default 5

        The engine settings apply as in serve and check: Preflight:MediaTools (or PREFLIGHT_FFMPEG_DIR),
        Preflight:Staging, Preflight:PublicBaseUrl, Preflight:Inspection:MaxConcurrent (inspection slots).

        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken)
    {
        if (args.Any(a => a is "-h" or "--help"))
        {
            await context.Out.WriteAsync(Help);
            return ExitCodes.Pass;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [.. args], ContentRootPath = AppContext.BaseDirectory });
        // The worker on the shared engine: Preflight:MediaTools, Preflight:Staging, Preflight:Inspection apply as in serve.
        builder.Services.AddPreflightWorker(builder.Configuration);
        try
        {
            using var host = builder.Build();
            // Say what is wrong in one line, before the host starts and logs a stack trace about it.
            PreflightEngine.ValidateConfiguration(host.Services);
            await host.RunAsync(cancellationToken);
            return ExitCodes.Pass;
        }
        catch (OptionsValidationException e)
        {
            throw CliHost.InvalidConfiguration(e);
        }
    }
}
