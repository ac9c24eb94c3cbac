using Preflight.Api.Hosting;

namespace Preflight.Api.Tests;

public sealed class LogTests
{
    [Theory]
    [InlineData("plain.mp4", "\"plain.mp4\"")]
    [InlineData("a\nb.wav", "\"a\\u000ab.wav\"")]
    [InlineData("q\"uote\\.png", "\"q\\\"uote\\\\.png\"")]
    [InlineData("rtl\u202Egnp.exe", "\"rtl\\u202egnp.exe\"")]
    public void Escape_UntrustedFileName_IsOneSafeQuotedToken(string name, string expected) =>
        Assert.Equal(expected, Log.Escape(name));

    [Fact]
    public void Escape_VeryLongName_IsCapped() =>
        Assert.Equal(203, Log.Escape(new string('x', 5000)).Length);

    [Theory]
    [InlineData("https://bucket.example/v.mp4?X-Amz-Signature=abc&X-Amz-Credential=k", "\"https://bucket.example/v.mp4?…\"")]
    [InlineData("https://user:pass@host.example/a.png#frag", "\"https://host.example/a.png\"")]
    [InlineData("http://host.example:8080/a%20b.wav", "\"http://host.example:8080/a%20b.wav\"")]
    public void RedactUrl_SignedOrCredentialedUrl_KeepsNoSecret(string url, string expected) =>
        Assert.Equal(expected, Log.RedactUrl(url));
}
