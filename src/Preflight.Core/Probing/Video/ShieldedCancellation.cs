namespace Preflight.Core.Probing.Video;

/// <summary>
/// The token FFMpegCore watches, cancelled when the real one is, with whatever its callback throws kept here.
/// FFMpegCore answers a cancellation by writing "q" to ffmpeg's standard input; when ffmpeg is already gone (killed by
/// the terminal's Ctrl-C with the rest of the process group, or closed its input) that write fails, and the failure
/// would surface in whoever called <see cref="CancellationTokenSource.Cancel()"/>: the CLI's signal handler or a
/// timeout's timer thread, where it ends the process. The process is killed by the workspace's own registration.
/// </summary>
internal sealed class ShieldedCancellation : IDisposable
{
    private readonly CancellationTokenSource _inner = new();
    private readonly CancellationTokenRegistration _relay;

    public ShieldedCancellation(CancellationToken outer)
    {
        _relay = outer.Register(static state =>
        {
            try
            {
                ((CancellationTokenSource)state!).Cancel();
            }
            catch (AggregateException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }, _inner);
    }

    public CancellationToken Token => _inner.Token;

    public void Dispose()
    {
        _relay.Dispose();
        _inner.Dispose();
    }
}
