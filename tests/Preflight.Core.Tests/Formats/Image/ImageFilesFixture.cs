using Preflight.Core.Tests.Probing.Image;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Formats.Image;

/// <summary>Real PNG and JPEG files made once per test class by ffmpeg (640x480 test pattern).</summary>
public sealed class ImageFilesFixture : IDisposable
{
    public ImageFilesFixture()
    {
        FfmpegTool.Run(Dir.Path, "-f", "lavfi", "-i", "testsrc=s=640x480", "-frames:v", "1", "a.png");
        FfmpegTool.Run(Dir.Path, "-f", "lavfi", "-i", "testsrc=s=640x480", "-frames:v", "1", "-q:v", "3", "a.jpg");
        Png = File.ReadAllBytes(Dir.File("a.png"));
        Jpeg = File.ReadAllBytes(Dir.File("a.jpg"));
    }

    public TempDir Dir { get; } = new();

    public byte[] Png { get; }

    public byte[] Jpeg { get; }

    public void Dispose() => Dir.Dispose();
}
