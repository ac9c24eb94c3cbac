using System.Runtime.InteropServices;
using Preflight.Cli;

using var cancellation = new CancellationTokenSource();

// The first Ctrl-C (or SIGTERM) cancels cleanly: ffprobe children are killed, a half-written --output is removed.
// A second Ctrl-C gets the default behaviour and ends the process at once. (A signal registration, not
// Console.CancelKeyPress: that one sets up the terminal first, a millisecond of every start.)
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
{
    if (cancellation.IsCancellationRequested) return;
    context.Cancel = true;
    cancellation.Cancel();
});
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    cancellation.Cancel();
});

return await CliApp.RunAsync(args, CliContext.ForConsole(), cancellation.Token);
