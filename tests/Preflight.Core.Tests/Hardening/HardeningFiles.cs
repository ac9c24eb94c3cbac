using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Preflight.Core.Inspection;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.TestSupport;
using Preflight.TestSupport.Mutations;

namespace Preflight.Core.Tests.Hardening;

/// <summary>Files for the issue-10 regression tests, made by the tests themselves (ffmpeg, or byte by byte).</summary>
internal static class HardeningFiles
{
    public static byte[] Ffmpeg(TempDir dir, string name, string extension, string arguments) =>
        MutationSeeds.Generate(dir.File("made"), name, extension, arguments).Bytes;

    /// <summary>A 320x240 baseline JPEG of a busy test pattern (plenty of entropy-coded data to damage).</summary>
    public static byte[] Jpeg(TempDir dir) => Ffmpeg(dir, "pattern", ".jpg", "-f lavfi -i testsrc2=s=320x240:d=1 -frames:v 1 -q:v 3");

    /// <summary>An H.264 video long enough for frame threads to matter: 320x240, 4 s at 25 fps, B-frames (so ctts).</summary>
    public static byte[] H264(TempDir dir, string name = "h264", string extra = "") =>
        Ffmpeg(dir, name, ".mp4", $"-f lavfi -i testsrc2=s=320x240:r=25:d=4 -c:v libx264 -preset veryfast -g 50 -pix_fmt yuv420p {extra}");

    /// <summary>moov after mdat: duplicating a box inside moov moves no sample data.</summary>
    public static byte[] Mp4MoovLast(TempDir dir) =>
        Ffmpeg(dir, "moov-last", ".mp4", "-f lavfi -i testsrc2=s=160x120:r=25:d=1 -f lavfi -i sine=d=1 -c:v libx264 -preset ultrafast -bf 2 -pix_fmt yuv420p -c:a aac -shortest");

    public static byte[] FragmentedMp4(TempDir dir) =>
        Ffmpeg(dir, "fragmented", ".mp4", "-f lavfi -i testsrc2=s=160x120:r=25:d=2 -c:v libx264 -preset ultrafast -g 10 -pix_fmt yuv420p -movflags frag_keyframe+empty_moov");

    public static byte[] Wav(TempDir dir) => Ffmpeg(dir, "tone", ".wav", "-f lavfi -i sine=d=1:sample_rate=22050 -c:a pcm_s16le");

    public static byte[] Mp3(TempDir dir) => Ffmpeg(dir, "tone", ".mp3", "-f lavfi -i sine=d=2 -c:a libmp3lame -b:a 64k");

    /// <summary>
    /// An 8-bit RGB PNG (filter type 0 rows of a gradient) whose IDAT holds <paramref name="zlib"/> when given, else
    /// the right zlib stream; <paramref name="interlaced"/> writes Adam7 passes. Every chunk CRC is right.
    /// </summary>
    public static byte[] Png(int width, int height, bool interlaced = false, Func<byte[], byte[]>? rawEdit = null, Func<byte[], byte[]>? zlibEdit = null)
    {
        var raw = RawScanlines(width, height, interlaced);
        if (rawEdit is not null) raw = rawEdit(raw);
        var zlib = Deflate(raw);
        if (zlibEdit is not null) zlib = zlibEdit(zlib);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), (uint)height);
        ihdr[8] = 8;
        ihdr[9] = 2;
        ihdr[12] = interlaced ? (byte)1 : (byte)0;
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", zlib);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    public static byte[] Deflate(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw);
        return output.ToArray();
    }

    /// <summary>Filter byte 0 + 3 bytes per pixel per row; Adam7 passes one after the other when interlaced.</summary>
    public static byte[] RawScanlines(int width, int height, bool interlaced)
    {
        var passes = interlaced
            ? new[] { (0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2) }
            : new[] { (0, 0, 1, 1) };
        var raw = new List<byte>();
        foreach (var (x0, y0, dx, dy) in passes)
        {
            var columns = width > x0 ? (width - x0 + dx - 1) / dx : 0;
            var rows = height > y0 ? (height - y0 + dy - 1) / dy : 0;
            if (columns == 0 || rows == 0) continue;
            for (var row = 0; row < rows; row++)
            {
                raw.Add(0);
                for (var column = 0; column < columns; column++)
                    raw.AddRange([(byte)(column * 7), (byte)(row * 5), (byte)(column + row)]);
            }
        }
        return [.. raw];
    }

    public static void WriteChunk(Stream png, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        png.Write(word);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(word, MutationGenerator.Crc32(typed));
        png.Write(word);
    }

    public static async Task<FileReport> InspectAsync(TempDir dir, string name, byte[] bytes, bool deep)
    {
        var path = dir.Write(Path.Combine("inspect", name), bytes);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        return await new Inspector(new MediaTools(new MediaToolsOptions()))
            .InspectAsync(new InspectionRequest(path, name), new InspectionOptions { Deep = deep }, timeout.Token);
    }

    /// <summary>The report fails with at least one <c>file.corrupt</c>, one of them naming <paramref name="messagePart"/> when given.</summary>
    public static void AssertCorrupt(FileReport report, string? messagePart = null)
    {
        Assert.True(report.Verdict == Verdict.Fail, Describe(report));
        var corrupt = report.Findings.Where(f => f.Code == FindingCodes.FileCorrupt).ToList();
        Assert.True(corrupt.Count > 0, Describe(report));
        if (messagePart is not null)
            Assert.True(corrupt.Any(f => f.Message.Contains(messagePart, StringComparison.Ordinal)), $"no '{messagePart}' in {Describe(report)}");
    }

    public static string Describe(FileReport report) =>
        $"{report.Path}: {report.Verdict} [{string.Join("; ", report.Findings.Select(f => $"{f.Severity} {f.Code}: {f.Message}"))}]";
}
