using System.Globalization;

namespace Preflight.Core.Probing.Video;

/// <summary>
/// The largest address space (VmPeak, what the <c>prlimit --as</c> cap limits) an ffprobe/ffmpeg run reached, sampled
/// from /proc while it runs. The wrapper script writes the tool's PID (exec keeps it) into the run's private folder.
/// Lets "Cannot allocate memory" be told apart: a process near its cap ran out of resources; one far below it was
/// asked by the file for an impossible amount. Zero when unknown (not Linux, no wrapper, the tool exited at once).
/// </summary>
internal sealed class PeakMemory : IDisposable
{
    public const string PidFileName = ".tool-pid";

    /// <summary>
    /// Written into a run's private folder before the tool starts: the wrapper writes <see cref="PidFileName"/> only
    /// into a folder that has it, never into whatever working directory a tool was started in (the caller's folder).
    /// </summary>
    public const string MarkerFileName = ".preflight-run";
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private long _bytes;

    private PeakMemory(string folder) =>
        _sampling = OperatingSystem.IsLinux() ? Task.Run(() => SampleAsync(Path.Combine(folder, PidFileName), _stop.Token)) : Task.CompletedTask;

    /// <summary>The peak so far (read it after the tool exited).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public static PeakMemory Watch(string folder)
    {
        try
        {
            File.WriteAllText(Path.Combine(folder, MarkerFileName), "");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Without the marker the peak stays unknown (zero), as when no wrapper is used.
        }
        return new(folder);
    }

    private async Task SampleAsync(string pidFile, CancellationToken stop)
    {
        int? pid = null;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                pid ??= ReadPid(pidFile);
                if (pid is { } id && ReadVmPeak(id) is { } peak && peak > Interlocked.Read(ref _bytes))
                    Interlocked.Exchange(ref _bytes, peak);
                await Task.Delay(Interval, stop);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static int? ReadPid(string pidFile)
    {
        try
        {
            return int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>"VmPeak:   123456 kB" of /proc/PID/status; null once the process is gone.</summary>
    internal static long? ReadVmPeak(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (!line.StartsWith("VmPeak:", StringComparison.Ordinal)) continue;
                var number = line["VmPeak:".Length..].Trim().Split(' ')[0];
                return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb * 1024 : null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _sampling.Wait(TimeSpan.FromSeconds(1));
        }
        catch (AggregateException)
        {
        }
        _stop.Dispose();
    }
}
