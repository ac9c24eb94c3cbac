using System.Diagnostics;

namespace Preflight.TestSupport;

/// <summary>Waiting for what another thread or process does in its own time: a deadline, never a fixed sleep.</summary>
public static class Polling
{
    /// <summary>
    /// Checks <paramref name="condition"/> every 50 ms until it holds or <paramref name="timeout"/> (default 10 s) has
    /// passed; whether it held at the end. A test asserts on the result, or on the state it waited for.
    /// </summary>
    public static async Task<bool> Eventually(Func<bool> condition, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (clock.Elapsed >= limit) return false;
            await Task.Delay(50);
        }
        return true;
    }
}
