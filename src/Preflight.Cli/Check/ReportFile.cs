using System.Text;

namespace Preflight.Cli.Check;

/// <summary>
/// The --output file, written atomically: the report goes to a temp file in the same folder, which replaces
/// the target only when complete. A cancelled or failed run leaves no half-written report behind.
/// Devices and pipes (<c>/dev/stdout</c>, <c>/dev/null</c>, a FIFO) are written directly: renaming over them
/// would replace the device node with a file.
/// </summary>
public sealed class ReportFile : IAsyncDisposable
{
    private readonly string _target;
    private readonly string? _temp;
    private readonly StreamWriter _writer;
    private bool _closed;

    private ReportFile(string target, string? temp, StreamWriter writer)
    {
        _target = target;
        _temp = temp;
        _writer = writer;
    }

    public TextWriter Writer => _writer;

    /// <summary>The file's byte stream, for output that is already UTF-8 (flush <see cref="Writer"/> before using it).</summary>
    public Stream Stream => _writer.BaseStream;

    /// <summary>Creates the temp file now, so an unwritable destination is reported before any file is checked.</summary>
    public static ReportFile Create(string given, string workingDirectory)
    {
        var target = Path.GetFullPath(given, workingDirectory);
        if (Directory.Exists(target)) throw new CliSetupException($"cannot write the report to '{given}': it is a folder");
        var folder = Path.GetDirectoryName(target) ?? workingDirectory;
        if (!Directory.Exists(folder)) throw new CliSetupException($"cannot write the report to '{given}': folder '{folder}' does not exist");

        var direct = IsDeviceOrPipe(target);
        var temp = direct ? null : Path.Join(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var stream = temp is null
                ? new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1 << 16)
                : new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            return new ReportFile(target, temp, new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliSetupException($"cannot write the report to '{given}': {e.Message}", e);
        }
    }

    /// <summary>Moves the finished report into place.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        await _writer.FlushAsync(cancellationToken);
        await _writer.DisposeAsync();
        _closed = true;
        if (_temp is null) return;
        try
        {
            File.Move(_temp, _target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliSetupException($"cannot write the report to '{_target}': {e.Message}", e);
        }
    }

    private static bool IsDeviceOrPipe(string target) =>
        target.StartsWith("/dev/", StringComparison.Ordinal)
        || target.StartsWith("/proc/", StringComparison.Ordinal)
        || (File.Exists(target) && SpecialFiles.IsPipe(target));

    public async ValueTask DisposeAsync()
    {
        if (!_closed) await _writer.DisposeAsync();
        _closed = true;
        if (_temp is null) return;
        try
        {
            File.Delete(_temp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the temp file is hidden and named as ours; nothing else depends on it.
        }
    }
}
