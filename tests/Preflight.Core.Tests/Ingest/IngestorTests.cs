using System.Security.Cryptography;
using System.Text;
using Preflight.Core.Ingest;
using Preflight.Core.Sniffing;
using Preflight.Core.Tests.Fetching;
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

    /// <summary>An HTML page of <paramref name="length"/> bytes: what a share link answers instead of a video.</summary>
    internal static byte[] HtmlPage(int length)
    {
        var page = new StringBuilder("<!doctype html><html><head><title>Shared video</title></head><body>\n");
        while (page.Length < length - 20) page.Append("<p>Sign in to watch this video.</p>\n");
        page.Append("</body></html>\n");
        return Encoding.ASCII.GetBytes(page.ToString());
    }

    private static bool IsHtml(SniffResult sniff) => sniff.Format == KnownFormats.Html;

    [Fact]
    public async Task ReceiveAsync_HeadDecidesVerdict_StoresOnlyTheHeadButHashesAndCountsEveryByte()
    {
        var html = HtmlPage(3_000_000);
        var path = _dir.File("in");
        long largestOnDisk = 0;
        var source = new TrickleStream(html, 64 * 1024)
        {
            OnRead = _ => largestOnDisk = Math.Max(largestOnDisk, File.Exists(path) ? new FileInfo(path).Length : 0),
        };

        var file = await Ingestor.ReceiveAsync(source, path, new IngestLimits(100_000_000) { DecidedByHead = IsHtml }, CancellationToken.None);

        Assert.True(file.HeadOnly);
        Assert.False(file.Truncated);
        Assert.Equal(IngestStop.None, file.Stop);
        Assert.Equal(html.Length, file.Bytes);
        Assert.Equal(Sha(html), file.Sha256);
        // The sniff of the whole body, decided from its head.
        Assert.Equal(FormatSniffer.Default.Sniff(new MemoryStream(html)), file.Sniff);
        // Decided at the first read that held enough to be sure, before that read was stored: not even one 64 KB chunk.
        Assert.Equal(0, file.StoredBytes);
        Assert.Equal(0, largestOnDisk);
        Assert.Equal(0, new FileInfo(path).Length);
    }

    [Fact]
    public async Task ReceiveAsync_HeadDecidesInSmallReads_StoresOnlyWhatCameBeforeTheDecision()
    {
        var html = HtmlPage(1_000_000);
        var path = _dir.File("in");

        var file = await Ingestor.ReceiveAsync(new TrickleStream(html, 1000), path, new IngestLimits(100_000_000) { DecidedByHead = IsHtml }, CancellationToken.None);

        Assert.True(file.HeadOnly);
        Assert.InRange(file.StoredBytes, 1, HeadSniff.UsualBytes);
        Assert.Equal(file.StoredBytes, new FileInfo(path).Length);
        Assert.Equal(Sha(html), file.Sha256);
    }

    [Fact]
    public async Task ReceiveAsync_HeadDecidesAndStopWhenDecided_StopsReadingAndLeavesNoFile()
    {
        var html = HtmlPage(3_000_000);
        var source = new TrickleStream(html, 4096);
        var path = _dir.File("in");

        var file = await Ingestor.ReceiveAsync(source, path,
            new IngestLimits(100_000_000, StopPastCap: true) { DecidedByHead = IsHtml, StopWhenDecided = true, KnownLength = html.Length },
            CancellationToken.None);

        Assert.Equal(IngestStop.HeadDecided, file.Stop);
        Assert.Equal(KnownFormats.Html, file.Sniff!.Format);
        Assert.Null(file.Sha256);
        Assert.InRange(source.Position, HeadSniff.UsualBytes, HeadSniff.UsualBytes + 4096);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task ReceiveAsync_HeadDoesNotDecide_StoredWholeAsBefore()
    {
        var png = Png().Concat(new byte[100_000]).ToArray();
        var path = _dir.File("in");
        var asked = 0;

        var file = await Ingestor.ReceiveAsync(new TrickleStream(png, 4096), path,
            new IngestLimits(1_000_000) { DecidedByHead = _ => { asked++; return false; } }, CancellationToken.None);

        Assert.Equal(1, asked);
        Assert.False(file.HeadOnly);
        Assert.Equal(png.Length, file.StoredBytes);
        Assert.Equal(png, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task ReceiveAsync_OverCapWhileDeciding_SniffsThenGivesTheDiskBack()
    {
        var body = Png().Concat(new byte[300_000]).ToArray();
        var path = _dir.File("in");
        var expected = await Ingestor.ReceiveAsync(new MemoryStream(body), _dir.File("reference"), new IngestLimits(100_000), CancellationToken.None);

        var file = await Ingestor.ReceiveAsync(new TrickleStream(body, 777), path,
            new IngestLimits(100_000) { DecidedByHead = _ => false }, CancellationToken.None);

        Assert.True(file.Truncated);
        Assert.False(file.HeadOnly);
        Assert.Equal(body.Length, file.Bytes);
        Assert.Equal(Sha(body), file.Sha256);
        // The same answer as today's sniff of the capped copy, while nothing of it stays on disk.
        Assert.Equal(expected.Sniff, file.Sniff);
        Assert.Equal(0, new FileInfo(path).Length);
    }

    [Theory]
    [MemberData(nameof(RangeProbingTests.TestDataFiles), MemberType = typeof(RangeProbingTests))]
    public void HeadSniff_WhenCertain_IsTheSniffOfTheWholeBody(string relative)
    {
        var original = File.ReadAllBytes(Path.Combine(RepoPaths.TestData, relative));
        // The file as it is, and followed by more bytes (a longer body with the same head).
        foreach (var bytes in new[] { original, original.Concat(new byte[70_000]).ToArray() })
        {
            var whole = FormatSniffer.Default.Sniff(new MemoryStream(bytes));
            foreach (var held in new[] { 1, 100, 4096, 8192, HeadSniff.UsualBytes, 40_000, 65_536 }.Where(n => n <= bytes.Length))
            {
                var prefix = bytes.AsMemory(0, held);
                if (HeadSniff.Certain(prefix, null) is { } unknownLength) Assert.Equal(whole, unknownLength);
                if (HeadSniff.Certain(prefix, bytes.Length) is { } knownLength) Assert.Equal(whole, knownLength);
            }
            if (bytes.Length > 0) Assert.Equal(whole, HeadSniff.Certain(bytes, bytes.Length));
        }
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
