using Preflight.Core.Fetching;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Tests.Fetching;

public sealed class UrlKindHintsTests
{
    [Theory]
    [InlineData("https://cdn.example.com/a/clip.mp4", AssetKind.Video)]
    [InlineData("https://cdn.example.com/a/CLIP.MOV?sig=x.png", AssetKind.Video)]
    [InlineData("https://cdn.example.com/photo.JPEG", AssetKind.Image)]
    [InlineData("https://cdn.example.com/p/face.png#x", AssetKind.Image)]
    [InlineData("https://cdn.example.com/voice%20over.mp3", AssetKind.Audio)]
    [InlineData("https://cdn.example.com/v.wav", AssetKind.Audio)]
    public void FromPath_KnownExtension_ReturnsKind(string url, AssetKind expected)
    {
        Assert.Equal(expected, UrlKindHints.FromPath(new Uri(url)));
    }

    [Theory]
    [InlineData("https://cdn.example.com/download?id=123")]
    [InlineData("https://cdn.example.com/")]
    [InlineData("https://cdn.example.com/file.mp4/view")]
    [InlineData("https://cdn.example.com/readme.txt")]
    [InlineData("https://cdn.example.com.mp4/")]
    public void FromPath_NoMediaExtension_ReturnsNull(string url)
    {
        Assert.Null(UrlKindHints.FromPath(new Uri(url)));
    }

    [Theory]
    [InlineData("video/mp4", AssetKind.Video)]
    [InlineData("Video/MP4; codecs=\"avc1\"", AssetKind.Video)]
    [InlineData("video/x-something-new", AssetKind.Video)]
    [InlineData("image/jpeg", AssetKind.Image)]
    [InlineData("image/png", AssetKind.Image)]
    [InlineData("audio/mpeg", AssetKind.Audio)]
    [InlineData("audio/wav", AssetKind.Audio)]
    [InlineData("application/ogg", AssetKind.Audio)]
    public void FromContentType_MediaType_ReturnsKind(string contentType, AssetKind expected)
    {
        Assert.Equal(expected, UrlKindHints.FromContentType(contentType));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("application/octet-stream")]
    [InlineData("text/html; charset=utf-8")]
    [InlineData("application/json")]
    [InlineData("garbage")]
    public void FromContentType_NoMediaType_ReturnsNull(string? contentType)
    {
        Assert.Null(UrlKindHints.FromContentType(contentType));
    }

    [Theory]
    [InlineData("image/jpeg", KnownFormats.Png, "image/png")]
    [InlineData("image/png", KnownFormats.Jpeg, "image/jpeg")]
    [InlineData("video/mp4", KnownFormats.Mov, "video/quicktime")]
    [InlineData("audio/mpeg", KnownFormats.Wav, "audio/wav")]
    [InlineData("text/html", KnownFormats.Mp4, "video/mp4")]
    [InlineData("video/x-brand-new", KnownFormats.Png, "image/png")]
    [InlineData("text/plain", KnownFormats.Mp3, "audio/mpeg")]
    public void ContentTypeMismatch_LabelDisagreesWithBytes_Warning(string contentType, string sniffed, string expectedMime)
    {
        var finding = UrlKindHints.ContentTypeMismatch(contentType, sniffed);

        Assert.NotNull(finding);
        Assert.Equal(FindingCodes.UrlContentTypeMismatch, finding.Code);
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Equal(contentType, finding.Actual);
        Assert.Equal(expectedMime, finding.Limit);
    }

    [Theory]
    [InlineData("image/png", KnownFormats.Png)]
    [InlineData("IMAGE/JPEG; q=1", KnownFormats.Jpeg)]
    [InlineData("image/jpg", KnownFormats.Jpeg)]
    [InlineData("video/mp4", KnownFormats.Mp4)]
    [InlineData("audio/x-wav", KnownFormats.Wav)]
    [InlineData("audio/mpeg", KnownFormats.Mp3)]
    [InlineData("video/x-brand-new", KnownFormats.Mp4)]
    [InlineData("application/octet-stream", KnownFormats.Png)]
    [InlineData("binary/octet-stream", KnownFormats.Mp4)]
    [InlineData("application/mp4", KnownFormats.M4a)]
    [InlineData("text/plain", KnownFormats.Hls)]
    [InlineData(null, KnownFormats.Png)]
    [InlineData("", KnownFormats.Png)]
    [InlineData("image/png", KnownFormats.Unknown)]
    [InlineData("image/png", KnownFormats.Empty)]
    public void ContentTypeMismatch_AgreeingOrSilent_Null(string? contentType, string sniffed)
    {
        Assert.Null(UrlKindHints.ContentTypeMismatch(contentType, sniffed));
    }

    [Fact]
    public void FetchLimitsFor_KnownKind_UsesThatKindsLimit()
    {
        var limits = FetchLimits.For(Profile.HeyGen, AssetKind.Image);

        Assert.Equal(Profile.HeyGen.LimitsFor(AssetKind.Image)!.MaxBytes.Value, limits.MaxBytes);
        Assert.Equal("image files", limits.Label);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(AssetKind.Unknown)]
    public void FetchLimitsFor_KindNotKnownYet_UsesTheLargestKindsLimit(AssetKind? kind)
    {
        var largest = Profile.HeyGen.Kinds.Values.Max(k => k.MaxBytes.Value);

        Assert.Equal(largest, FetchLimits.For(Profile.HeyGen, kind).MaxBytes);
    }
}
