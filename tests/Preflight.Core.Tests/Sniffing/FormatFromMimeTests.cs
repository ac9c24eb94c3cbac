using Preflight.Core.Sniffing;

namespace Preflight.Core.Tests.Sniffing;

public sealed class FormatFromMimeTests
{
    [Theory]
    [InlineData("video/mp4", KnownFormats.Mp4)]
    [InlineData("VIDEO/MP4", KnownFormats.Mp4)]
    [InlineData("video/quicktime", KnownFormats.Mov)]
    [InlineData("audio/mp4", KnownFormats.M4a)]
    [InlineData("audio/x-m4a", KnownFormats.M4a)]
    [InlineData("image/jpeg", KnownFormats.Jpeg)]
    [InlineData("image/jpg", KnownFormats.Jpeg)]
    [InlineData("image/png", KnownFormats.Png)]
    [InlineData("audio/mpeg", KnownFormats.Mp3)]
    [InlineData("audio/mp3", KnownFormats.Mp3)]
    [InlineData("audio/wav", KnownFormats.Wav)]
    [InlineData("audio/x-wav", KnownFormats.Wav)]
    [InlineData("audio/vnd.wave", KnownFormats.Wav)]
    [InlineData("text/html; charset=utf-8", KnownFormats.Html)]
    [InlineData("  text/html ;charset=UTF-8", KnownFormats.Html)]
    [InlineData("application/vnd.apple.mpegurl", KnownFormats.Hls)]
    [InlineData("application/x-mpegURL", KnownFormats.Hls)]
    [InlineData("application/json", KnownFormats.Json)]
    [InlineData("application/problem+json", KnownFormats.Json)]
    [InlineData("image/svg+xml", KnownFormats.Svg)]
    [InlineData("application/atom+xml", KnownFormats.Xml)]
    [InlineData("text/plain", KnownFormats.Text)]
    [InlineData("video/webm", KnownFormats.Webm)]
    [InlineData("video/x-matroska", KnownFormats.Mkv)]
    [InlineData("video/mp2t", KnownFormats.MpegTs)]
    [InlineData("image/heic", KnownFormats.Heif)]
    [InlineData("image/avif", KnownFormats.Avif)]
    public void FormatFromMime_KnownType_MapsToFormat(string contentType, string expected)
    {
        Assert.Equal(expected, FormatSniffer.FormatFromMime(contentType));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("application/octet-stream")]
    [InlineData("binary/octet-stream")]
    [InlineData("video/x-unheard-of")]
    [InlineData("nonsense")]
    [InlineData("/mp4")]
    [InlineData("video/")]
    [InlineData("video/mp4/extra")]
    public void FormatFromMime_NothingSpecific_IsNull(string? contentType)
    {
        Assert.Null(FormatSniffer.FormatFromMime(contentType));
    }

    [Fact]
    public void MimeOf_EveryFormatTheSnifferReports_RoundTripsThroughFormatFromMime()
    {
        string[] formats = [KnownFormats.Mp4, KnownFormats.Mov, KnownFormats.M4a, KnownFormats.ThreeGp, KnownFormats.Heif,
            KnownFormats.Avif, KnownFormats.Webm, KnownFormats.Mkv, KnownFormats.Avi, KnownFormats.Flv, KnownFormats.MpegTs,
            KnownFormats.Jpeg, KnownFormats.Png, KnownFormats.Gif, KnownFormats.Webp, KnownFormats.Bmp, KnownFormats.Tiff,
            KnownFormats.Wav, KnownFormats.Mp3, KnownFormats.Flac, KnownFormats.Ogg, KnownFormats.Aac, KnownFormats.Pdf,
            KnownFormats.Zip, KnownFormats.Html, KnownFormats.Xml, KnownFormats.Svg, KnownFormats.Json, KnownFormats.Text,
            KnownFormats.Hls, KnownFormats.Empty];

        foreach (var format in formats)
        {
            Assert.Equal(format, FormatSniffer.FormatFromMime(FormatMimes.MimeOf(format)));
        }
        Assert.Equal("text/plain", FormatMimes.MimeOf(KnownFormats.FfConcat));
        Assert.Equal("application/octet-stream", FormatMimes.MimeOf(KnownFormats.Unknown));
    }
}
