using System.Security.Cryptography;
using Preflight.Core.Ingest;
using Preflight.Core.Sniffing;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Ingest;

public sealed class IngestorTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static byte[] Png() => File.ReadAllBytes(RepoPaths.TestFile("valid", "image-160x90.png"));

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task ReceiveAsync_UnderCap_StoresHashesAndSniffsInOnePass()
    {
        var png = Png();
        var path = _dir.File("in");

        var file = await Ingestor.ReceiveAsync(new MemoryStream(png), path, new IngestLimits(1_000_000), CancellationToken.None);

        Assert.Equal(IngestStop.None, file.Stop);
        Assert.False(file.Truncated);
        Assert.Equal(png.Length, file.Bytes);
        Assert.Equal(png.Length, file.StoredBytes);
        Assert.Equal(Sha(png), file.Sha256);
        Assert.Equal(KnownFormats.Png, file.Sniff!.Format);
        Assert.Equal(png, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task ReceiveAsync_OverCap_KeepsOnlyTheCapButHashesAndCountsEveryByte()
    {
        var body = Png().Concat(new byte[300_000]).ToArray();
        var path = _dir.File("in");

        var file = await Ingestor.ReceiveAsync(new TrickleStream(body, 777), path, new IngestLimits(10_000), CancellationToken.None);

        Assert.True(file.Truncated);
        Assert.Equal(body.Length, file.Bytes);
        Assert.Equal(10_000, file.StoredBytes);
        Assert.Equal(10_000, new FileInfo(path).Length);
        Assert.Equal(Sha(body), file.Sha256);
        Assert.Equal(KnownFormats.Png, file.Sniff!.Format);
    }

    [Fact]
    public async Task ReceiveAsync_StopPastCap_StopsAtCapPlusOneAndLeavesNoFile()
    {
        var source = new TrickleStream(new byte[1_000_000], 4096);
        var path = _dir.File("in");

        var file = await Ingestor.ReceiveAsync(source, path, new IngestLimits(10_000, StopPastCap: true), CancellationToken.None);

        Assert.Equal(IngestStop.PastCap, file.Stop);
        Assert.Equal(10_001, file.Bytes);
        Assert.Null(file.Sha256);
        Assert.Equal(10_001, source.Position);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task ReceiveAsync_HeadRejected_StopsAndLeavesNoFile()
    {
        var path = _dir.File("in");
        var limits = new IngestLimits(1_000_000) { HeadBytes = 4, RejectHead = head => head.Span[0] == (byte)'<' };

        var file = await Ingestor.ReceiveAsync(new MemoryStream("<html>hello</html>"u8.ToArray()), path, limits, CancellationToken.None);

        Assert.Equal(IngestStop.HeadRejected, file.Stop);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task ReceiveAsync_Cancelled_DeletesTheFile()
    {
        var path = _dir.File("in");
        using var cancel = new CancellationTokenSource();
        var source = new TrickleStream(new byte[1_000_000], 1000) { OnRead = n => { if (n > 50_000) cancel.Cancel(); } };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Ingestor.ReceiveAsync(source, path, new IngestLimits(10_000_000), cancel.Token));

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task ReceiveAsync_SourceFails_DeletesTheFileAndRethrows()
    {
        var path = _dir.File("in");
        var source = new TrickleStream(new byte[1_000_000], 1000) { OnRead = n => { if (n > 50_000) throw new IOException("connection reset"); } };

        var e = await Assert.ThrowsAsync<IOException>(() => Ingestor.ReceiveAsync(source, path, new IngestLimits(10_000_000), CancellationToken.None));

        Assert.Equal("connection reset", e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task ReceiveAsync_TargetExists_IsALocalDiskErrorAndKeepsTheOtherFile()
    {
        var path = _dir.Write("in", [1, 2, 3]);

        await Assert.ThrowsAsync<LocalDiskException>(
            () => Ingestor.ReceiveAsync(new MemoryStream(Png()), path, new IngestLimits(1_000_000), CancellationToken.None));
        Assert.Equal([1, 2, 3], await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task ReceiveAsync_EmptyBody_IsAnEmptyFileWithTheEmptyHash()
    {
        var file = await Ingestor.ReceiveAsync(new MemoryStream(), _dir.File("in"), new IngestLimits(10), CancellationToken.None);

        Assert.Equal(0, file.Bytes);
        Assert.Equal(Sha([]), file.Sha256);
        Assert.Equal(SniffResult.Empty.Format, file.Sniff!.Format);
    }

    [Fact]
    public async Task ReceiveAsync_OnUnix_FileIsOwnerReadWriteOnly()
    {
        if (OperatingSystem.IsWindows()) return;
        var file = await Ingestor.ReceiveAsync(new MemoryStream(Png()), _dir.File("in"), new IngestLimits(1_000_000), CancellationToken.None);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file.FilePath));
    }

    [Fact]
    public void PrivateTempFolder_UnderRoot_IsOwnerOnlyAndDeletedWithItsFiles()
    {
        var root = _dir.File("root");
        string path;
        using (var folder = PrivateTempFolder.Create(root, "test-"))
        {
            path = folder.Path;
            Assert.StartsWith(Path.Combine(root, "test-"), path, StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
                Assert.Equal(ownerOnly, File.GetUnixFileMode(path));
                Assert.Equal(ownerOnly, File.GetUnixFileMode(root));
            }
            File.WriteAllBytes(folder.NewFilePath(), [1]);
            Assert.NotEqual(folder.NewFilePath(), folder.NewFilePath());
        }
        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public void PrivateTempFolder_NoRoot_UsesTheSystemTempFolder()
    {
        using var folder = PrivateTempFolder.Create(null, "preflight-test-");
        Assert.StartsWith(Path.GetTempPath(), folder.Path, StringComparison.Ordinal);
        Assert.True(Directory.Exists(folder.Path));
    }

    /// <summary>Delivers a body a few bytes per read, like a network stream; counts what was read.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : Stream
    {
        public Action<long>? OnRead { get; init; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get; set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            OnRead?.Invoke(Position);
            var n = (int)Math.Min(Math.Min(count, chunk), data.Length - Position);
            Array.Copy(data, Position, buffer, offset, n);
            Position += n;
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            OnRead?.Invoke(Position);
            cancellationToken.ThrowIfCancellationRequested();
            var n = (int)Math.Min(Math.Min(buffer.Length, chunk), data.Length - Position);
            data.AsMemory((int)Position, n).CopyTo(buffer);
            Position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
