namespace Preflight.Api.Uploads;

/// <summary>Thrown by <see cref="CountingLimitStream"/> when the body passes its limit.</summary>
internal sealed class BodyTooLargeException(long limit) : IOException($"The request body is over {limit} bytes.");

/// <summary>A read-only view of the request body that throws as soon as more than <c>limit</c> bytes arrive.</summary>
internal sealed class CountingLimitStream(Stream inner, long limit) : Stream
{
    public long BytesRead { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private int Count(int read)
    {
        BytesRead += read;
        if (BytesRead > limit) throw new BodyTooLargeException(limit);
        return read;
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
