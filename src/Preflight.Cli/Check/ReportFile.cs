using System.Text;

namespace Preflight.Cli.Check;

/// <summary>
/// The --output file, written atomically: the report goes to a temp file in the same folder, which replaces
/// the target only when complete. A cancelled or failed run leaves no half-written report behind.
/// </summary>
public sealed class ReportFile : IAsyncDisposable
{
    private readonly string _target;
    private readonly string _temp;
    private readonly StreamWriter _writer;
    private bool _closed;

    private ReportFile(string target, string temp, StreamWriter writer)
    {
        _target = target;
        _temp = temp;
        _writer = writer;
    }

    public TextWriter Writer => _writer;

    /// <summary>Creates the temp file now, so an unwritable destination is reported before any file is checked.</summary>
    public static ReportFile Create(string given, string workingDirectory)
    {
        var target = Path.GetFullPath(given, workingDirectory);
        if (Directory.Exists(target)) throw new CliSetupException($"cannot write the report to '{given}': it is a folder");
        var folder = Path.GetDirectoryName(target) ?? workingDirectory;
        if (!Directory.Exists(folder)) throw new CliSetupException($"cannot write the report to '{given}': folder '{folder}' does not exist");

        var temp = Path.Join(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
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
        try
        {
            File.Move(_temp, _target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliSetupException($"cannot write the report to '{_target}': {e.Message}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_closed) await _writer.DisposeAsync();
        _closed = true;
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
