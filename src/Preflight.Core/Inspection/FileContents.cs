using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Preflight.Core.Inspection;

/// <summary>
/// A small local file read whole, once, into pooled memory and hashed from it: the sniffer and the in-process
/// structure readers then read the memory instead of the file, so every byte is read from the file once
/// (issue 9, "read each byte once"). Larger files are hashed in one sequential pass and read again by the readers.
/// </summary>
internal sealed class FileContents : IDisposable
{
    /// <summary>
    /// Largest file read whole: images and MP3s, whose readers walk every byte (CRCs, markers, frames). Bigger files
    /// are mostly MP4 and WAV, whose readers read only headers, so the hash pass is the one full read anyway; a
    /// 16 MiB limit measured no faster and held ~50 MB more in pooled buffers (docs/benchmarks.md).
    /// </summary>
    public const long MaxBytes = 4L * 1024 * 1024;

    private byte[]? _buffer;
    private readonly int _length;

    private FileContents(byte[] buffer, int length, string sha256)
    {
        _buffer = buffer;
        _length = length;
        Sha256 = sha256;
    }

    /// <summary>SHA-256 of the bytes, lower-case hex.</summary>
    public string Sha256 { get; }

    /// <summary>Reads <paramref name="length"/> bytes of an open file from offset 0 and hashes them.</summary>
    public static FileContents Read(SafeFileHandle handle, long length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxBytes);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, length));
        try
        {
            var read = 0;
            while (read < length)
            {
                var n = RandomAccess.Read(handle, buffer.AsSpan(read, (int)length - read), read);
                if (n == 0) break; // shrank while we read: hash what is there, the readers see the same bytes
                read += n;
            }
            return new FileContents(buffer, read, Convert.ToHexStringLower(SHA256.HashData(buffer.AsSpan(0, read))));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>A read-only stream over the bytes (each call a new one, positioned at 0).</summary>
    public Stream OpenRead() =>
        new MemoryStream(_buffer ?? throw new ObjectDisposedException(nameof(FileContents)), 0, _length, writable: false);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
    }
}
