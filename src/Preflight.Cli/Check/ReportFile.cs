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

    /// <summary>
    /// Writes the report with <paramref name="write"/> and moves it into place. A failed write (a full disk) is a setup
    /// error; the temp file is deleted by <see cref="DisposeAsync"/>.
    /// </summary>
    public async Task WriteAndCommitAsync(Func<ReportFile, Task> write, CancellationToken cancellationToken)
    {
        try
        {
            await write(this);
            await _writer.FlushAsync(cancellationToken);
            _closed = true;
            await _writer.DisposeAsync();
            if (_temp is null) return;
            File.Move(_temp, _target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliSetupException($"cannot write the report to '{_target}': {e.Message.TrimEnd()}", e);
        }
    }

    private static bool IsDeviceOrPipe(string target) =>
        target.StartsWith("/dev/", StringComparison.Ordinal)
        || target.StartsWith("/proc/", StringComparison.Ordinal)
        || (File.Exists(target) && SpecialFiles.IsPipe(target));

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_closed)
            {
                _closed = true;
                await _writer.DisposeAsync();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not committed (cancelled or failed run): what could not be flushed is dropped with the temp file.
        }
        finally
        {
            DeleteTemp();
        }
    }

    private void DeleteTemp()
    {
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

    /// <summary>
    /// The inputs without the report's own file, and never one the report would replace. A file found by walking a
    /// folder at exactly the --output path is the previous run's report (<c>check g --output g/report.json</c>): left
    /// out, so every run checks the same files. An --output that is a file named as an input, or another input by
    /// its real path (a symlink to it), is refused: the report would replace it.
    /// </summary>
    public static IReadOnlyList<InputFile> WithoutReport(string? given, string workingDirectory, IReadOnlyList<InputFile> inputs,
        IReadOnlyList<string> positionals, string helpCommand)
    {
        if (given is null) return inputs;
        var target = Path.GetFullPath(given, workingDirectory);
        if (IsDeviceOrPipe(target)) return inputs;
        var named = FileCollector.NamedFiles(positionals, workingDirectory);
        var real = FileCollector.RealPathOrFull(target);
        var kept = new List<InputFile>(inputs.Count);
        foreach (var input in inputs)
        {
            if (input.FullPath == target && !named.Contains(input.FullPath)) continue;
            if (FileCollector.RealPathOrFull(input.FullPath) == real)
                throw new CliUsageException($"--output '{given}' is one of the inputs ('{input.DisplayPath}'): the report would replace it; write the report outside the inputs", helpCommand);
            kept.Add(input);
        }
        return kept;
    }
}
