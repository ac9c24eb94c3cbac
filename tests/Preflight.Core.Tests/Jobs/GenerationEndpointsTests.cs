using Preflight.Core.Jobs;
using Preflight.Core.Rules;

namespace Preflight.Core.Tests.Jobs;

public sealed class GenerationEndpointsTests
{
    [Fact]
    public void Supported_PerCallEndpoints_AreThePricesInTheProfile()
    {
        var profile = Profile.HeyGen;

        var supported = GenerationEndpoints.Supported(profile);

        Assert.Equal([GenerationEndpoints.VideoGenerate, GenerationEndpoints.VideoTranslate, GenerationEndpoints.StreamingTask], supported.Take(3));
        Assert.Equal(profile.Jobs!.Credits.PerCall.Keys, supported.Skip(3));
        Assert.Contains("photo_avatar/upscale", supported);
        Assert.Equal(supported, JobChecker.SupportedEndpoints);
    }
}
