using Preflight.Core.Formats.Mp4;
using Preflight.Core.Probing.Video;
using Preflight.TestSupport;

namespace Preflight.Core.Tests.Probing.Video;

/// <summary>The in-process reader and ffprobe must report rotation the same way: the inspector merges them.</summary>
public sealed class RotationAgreementTests
{
    [Fact]
    public async Task Rotation_Mp4ProberAndFfprobe_Agree()
    {
        var path = RepoPaths.TestFile("valid", "video-rotated-portrait-360x640.mp4");

        var inProcess = new Mp4Prober().Probe(path).Media;
        var ffprobe = (await new MediaTools(new MediaToolsOptions()).ProbeAsync(path, "mp4", default)).Media;

        Assert.NotNull(inProcess.Rotation);
        Assert.NotEqual(0, inProcess.Rotation);
        Assert.Equal(inProcess.Rotation, ffprobe.Rotation);
        Assert.Equal((inProcess.Width, inProcess.Height), (ffprobe.Width, ffprobe.Height));
    }
}
