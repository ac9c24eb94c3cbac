using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
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

        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliContext context, CancellationToken cancellationToken)
    {
        if (args.Any(a => a is "-h" or "--help"))
        {
            await context.Out.WriteAsync(Help);
            return ExitCodes.Pass;
        }

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [.. args], ContentRootPath = AppContext.BaseDirectory });
        // Say what is missing in one line, before the host starts and logs a stack trace about it.
        var settings = new WorkerOptions();
        builder.Configuration.GetSection(WorkerOptions.Section).Bind(settings);
        settings.ConnectionString ??= builder.Configuration["Preflight:Staging:ConnectionString"];
        if (settings.Validate() is { } problem) throw new CliSetupException(problem);

        builder.Services.AddPreflightWorker(builder.Configuration);
        try
        {
            using var host = builder.Build();
            await host.RunAsync(cancellationToken);
            return ExitCodes.Pass;
        }
        catch (OptionsValidationException e)
        {
            throw new CliSetupException("invalid worker configuration: " + string.Join("; ", e.Failures));
        }
    }
}
