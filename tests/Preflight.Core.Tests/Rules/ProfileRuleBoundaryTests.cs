using Preflight.Core.Fetching;
using Preflight.Core.Reports;
using Preflight.Core.Rules;

namespace Preflight.Core.Tests.Rules;

/// <summary>Every rule of the profile vocabulary just under, at and just over its limit (bounds are inclusive).</summary>
public sealed class ProfileRuleBoundaryTests
{
    private static Limit<T> L<T>(T value) => new(value, "test source");

    private static string[] Codes(KindLimits limits, MediaFacts media, AssetKind kind = AssetKind.Video) =>
        KindRules.Check(limits, kind, "in.mp4", media).Select(f => f.Code).ToArray();

    [Theory]
    [InlineData(511, true)]
    [InlineData(512, false)]
    [InlineData(513, false)]
    public void MinWidth(int width, bool fails) =>
        Assert.Equal(fails, Codes(new KindLimits { MinWidth = L(512) }, new MediaFacts { Width = width, Height = 1000 }, AssetKind.Image)
            .Contains(FindingCodes.MediaResolutionTooSmall));

    [Theory]
    [InlineData(511, true)]
    [InlineData(512, false)]
    [InlineData(513, false)]
    public void MinHeight(int height, bool fails) =>
        Assert.Equal(fails, Codes(new KindLimits { MinHeight = L(512) }, new MediaFacts { Width = 1000, Height = height }, AssetKind.Image)
            .Contains(FindingCodes.MediaResolutionTooSmall));

    [Theory]
    [InlineData(1919, false)]
    [InlineData(1920, false)]
    [InlineData(1921, true)]
    public void MaxWidth(int width, bool fails) =>
        Assert.Equal(fails, Codes(new KindLimits { MaxWidth = L(1920) }, new MediaFacts { Width = width, Height = 100 })
            .Contains(FindingCodes.MediaResolutionTooLarge));

    [Theory]
    [InlineData(1079, false)]
    [InlineData(1080, false)]
    [InlineData(1081, true)]
    public void MaxHeight(int height, bool fails) =>
        Assert.Equal(fails, Codes(new KindLimits { MaxHeight = L(1080) }, new MediaFacts { Width = 100, Height = height })
            .Contains(FindingCodes.MediaResolutionTooLarge));

    [Theory]
    [InlineData(1999, false)]
    [InlineData(2000, false)]
    [InlineData(2001, true)]
    public void MaxMegapixels(int width, bool fails) =>
        // 2000 x 1000 = 2.0 megapixels
        Assert.Equal(fails, Codes(new KindLimits { MaxMegapixels = L(2.0) }, new MediaFacts { Width = width, Height = 1000 }, AssetKind.Image)
            .Contains(FindingCodes.MediaTooManyMegapixels));

    [Theory]
    [InlineData(499, true)]
    [InlineData(500, false)]
    [InlineData(501, false)]
    [InlineData(1999, false)]
    [InlineData(2000, false)]
    [InlineData(2001, true)]
    public void AspectRatioRange(int width, bool fails) =>
        // height 1000: ratio 0.5 .. 2.0 allowed
        Assert.Equal(fails, Codes(new KindLimits { MinAspectRatio = L(0.5), MaxAspectRatio = L(2.0) }, new MediaFacts { Width = width, Height = 1000 }, AssetKind.Image)
            .Contains(FindingCodes.MediaAspectRatioOutOfRange));

    [Theory]
    [InlineData("h264", false)]
    [InlineData("H264", false)]
    [InlineData("hevc", true)]
    public void VideoCodecs(string codec, bool fails) =>
        Assert.Equal(fails, Codes(new KindLimits { VideoCodecs = L<IReadOnlyList<string>>(["h264"]) }, new MediaFacts { VideoCodec = codec })
            .Contains(FindingCodes.VideoCodecUnsupported));

    [Theory]
    [InlineData("aac", false)]
    [InlineData("mp3", false)]
    [InlineData("opus", true)]
    public void AudioCodecs(string codec, bool fails) =>
        Assert.Equal(fails, Codes(new KindLimits { AudioCodecs = L<IReadOnlyList<string>>(["aac", "mp3"]) }, new MediaFacts { AudioCodec = codec }, AssetKind.Audio)
            .Contains(FindingCodes.AudioCodecUnsupported));

    [Theory]
    [InlineData(9.999, true)]
    [InlineData(10.0, false)]
    [InlineData(10.001, false)]
    public void MinDuration(double seconds, bool fails) =>
        Assert.Equal(fails, Codes(new KindLimits { MinDurationSeconds = L(10.0) }, new MediaFacts { DurationSeconds = seconds }, AssetKind.Audio)
            .Contains(FindingCodes.MediaDurationTooShort));

    [Theory]
    [InlineData(299.999, false)]
    [InlineData(300.0, false)]
    [InlineData(300.001, true)]
    public void MaxDuration(double seconds, bool fails)
    {
        var profile = Profile.HeyGen with { Kinds = new Dictionary<string, KindLimits> { ["audio"] = new() { MaxDurationSeconds = L(300.0) } } };
        var findings = FileRules.Media(profile, AssetKind.Audio, "in.wav", new MediaFacts { DurationSeconds = seconds }, plan: null);
        Assert.Equal(fails, findings.Any(f => f.Code == FindingCodes.MediaDurationTooLong));
    }

    [Theory]
    [InlineData(23.9, true)]
    [InlineData(24.0, false)]
    [InlineData(24.1, false)]
    [InlineData(59.9, false)]
    [InlineData(60.0, false)]
    [InlineData(60.1, true)]
    public void FrameRateRange(double fps, bool fails) =>
        Assert.Equal(fails, Codes(new KindLimits { MinFrameRate = L(24.0), MaxFrameRate = L(60.0) }, new MediaFacts { FrameRate = fps })
            .Contains(FindingCodes.VideoFrameRateOutOfRange));

    [Theory]
    [InlineData(15999, true)]
    [InlineData(16000, false)]
    [InlineData(16001, false)]
    public void MinSampleRate(int hz, bool fails) =>
        Assert.Equal(fails, Codes(new KindLimits { MinSampleRateHz = L(16000) }, new MediaFacts { SampleRate = hz }, AssetKind.Audio)
            .Contains(FindingCodes.AudioSampleRateTooLow));

    [Theory]
    [InlineData(19_999_999L, false)]
    [InlineData(20_000_000L, false)]
    [InlineData(20_000_001L, true)]
    public void MaxBytes(long bytes, bool fails)
    {
        var minimax = ProfileCatalog.BuiltIn.Get("minimax");
        Assert.Equal(fails, FileRules.Size(minimax, AssetKind.Audio, "in.mp3", bytes, null).Any(f => f.Code == FindingCodes.FileTooLarge));
    }

    [Fact]
    public void MaxUrlBytes_CapsUrlFetchesBelowTheUploadLimit()
    {
        var runway = ProfileCatalog.BuiltIn.Get("runway");
        Assert.Equal(16_000_000, FetchLimits.For(runway, AssetKind.Image).MaxBytes);
        Assert.Equal(32_000_000, FetchLimits.For(runway, AssetKind.Video).MaxBytes);
        Assert.Equal(32_000_000, FetchLimits.For(runway, null).MaxBytes);
        Assert.Equal(200_000_000, runway.LimitsFor(AssetKind.Video)!.MaxBytesRule!.Value);
        // HeyGen has no URL limit of its own: its upload limit applies, as before.
        Assert.Equal(100_000_000, FetchLimits.For(Profile.HeyGen, AssetKind.Video).MaxBytes);
    }

    [Fact]
    public void AbsentRules_AreNotChecked()
    {
        var media = new MediaFacts { Width = 1, Height = 99999, VideoCodec = "weird", AudioCodec = "weird", DurationSeconds = 0.001, FrameRate = 1000, SampleRate = 1 };
        Assert.Empty(Codes(new KindLimits(), media));
    }

    [Fact]
    public void NotChecked_SniffedOnlyFormatWithMediaRules_SaysWhichRules()
    {
        var limits = new KindLimits { VideoCodecs = L<IReadOnlyList<string>>(["h264"]), MinDurationSeconds = L(1.0) };

        var finding = KindRules.NotChecked(limits, "mkv", accepted: true);

        Assert.NotNull(finding);
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Equal(FindingCodes.ProfileRulesNotChecked, finding.Code);
        Assert.Contains("videoCodecs", finding.Message, StringComparison.Ordinal);
        Assert.Null(KindRules.NotChecked(new KindLimits(), "mkv", accepted: true));
        Assert.Null(KindRules.NotChecked(limits, "mkv", accepted: false));
    }

    // URL rules

    private static readonly UrlLimits AllUrlRules = new()
    {
        HttpsOnly = L(true),
        HostMustBeName = L(true),
        NoRedirects = L(true),
        HeadWithContentTypeAndLength = L(true),
        MaxLength = L(40),
        RefuseOctetStream = L(true),
    };

    [Theory]
    [InlineData(39, false)]
    [InlineData(40, false)]
    [InlineData(41, true)]
    public void UrlMaxLength(int length, bool fails)
    {
        var url = "https://example.com/" + new string('a', length - "https://example.com/".Length);
        Assert.Equal(length, url.Length);
        Assert.Equal(fails, UrlRules.BeforeFetch(AllUrlRules, url).Any(f => f.Code == FindingCodes.UrlTooLong));
    }

    [Theory]
    [InlineData("https://example.com/a.mp4", null)]
    [InlineData("http://example.com/a.mp4", FindingCodes.UrlNotHttps)]
    [InlineData("https://93.184.216.34/a.mp4", FindingCodes.UrlHostIsIp)]
    [InlineData("https://[2001:db8::1]/a.mp4", FindingCodes.UrlHostIsIp)]
    public void UrlText(string url, string? code)
    {
        var codes = UrlRules.BeforeFetch(AllUrlRules, url).Select(f => f.Code).ToList();
        if (code is null) Assert.Empty(codes);
        else Assert.Equal([code], codes);
        Assert.Empty(UrlRules.BeforeFetch(null, url));
    }

    [Theory]
    [InlineData(0, "video/mp4", null)]
    [InlineData(1, "video/mp4", FindingCodes.UrlRedirected)]
    [InlineData(0, "application/octet-stream", FindingCodes.UrlGenericContentType)]
    [InlineData(0, "binary/octet-stream; charset=x", FindingCodes.UrlGenericContentType)]
    [InlineData(0, null, null)]
    public void UrlFetch(int redirects, string? contentType, string? code)
    {
        var source = new UrlSource("https://a.example/x", "https://b.example/x", 200, contentType, 10, redirects);
        var codes = UrlRules.AfterFetch(AllUrlRules, source).Select(f => f.Code).ToList();
        if (code is null) Assert.Empty(codes);
        else Assert.Equal([code], codes);
        Assert.Empty(UrlRules.AfterFetch(new UrlLimits(), source));
    }

    [Theory]
    [InlineData(200, "video/mp4", 10L, null, null)]
    [InlineData(405, null, null, null, FindingCodes.UrlHeadFailed)]
    [InlineData(null, null, null, "the server refused the connection", FindingCodes.UrlHeadFailed)]
    [InlineData(200, null, 10L, null, FindingCodes.UrlHeadersMissing)]
    [InlineData(200, "video/mp4", null, null, FindingCodes.UrlHeadersMissing)]
    public void UrlHead(int? status, string? contentType, long? length, string? failure, string? code)
    {
        var codes = UrlRules.Head(AllUrlRules, new HeadAnswer(status, contentType, length, failure)).Select(f => f.Code).ToList();
        if (code is null) Assert.Empty(codes);
        else Assert.Equal([code], codes);
        Assert.Empty(UrlRules.Head(null, new HeadAnswer(405, null, null, null)));
    }
}
