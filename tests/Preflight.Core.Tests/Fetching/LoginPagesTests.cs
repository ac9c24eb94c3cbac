using Preflight.Core.Fetching;

namespace Preflight.Core.Tests.Fetching;

/// <summary>Pure URL checks only: nothing here is ever fetched.</summary>
public sealed class LoginPagesTests
{
    [Theory]
    [InlineData("https://accounts.google.com/ServiceLogin?continue=https://drive.google.com/x")]
    [InlineData("https://accounts.google.com/v3/signin/identifier")]
    [InlineData("https://login.microsoftonline.com/common/oauth2/authorize")]
    [InlineData("https://www.dropbox.com/login?cont=x")]
    [InlineData("https://example.com/login")]
    [InlineData("https://example.com/users/sign_in")]
    [InlineData("https://example.com/auth/realms/x")]
    [InlineData("https://example.com/signin.aspx?ReturnUrl=%2Fa.mp4")]
    [InlineData("https://sso.example.com/start")]
    [InlineData("https://auth.example.com/x")]
    public void Looks_LoginPage_True(string url)
    {
        Assert.True(LoginPages.Looks(new Uri(url)));
    }

    [Theory]
    [InlineData("https://cdn.example.com/videos/clip.mp4")]
    [InlineData("https://example.com/authors/jane/portrait.jpg")]
    [InlineData("https://example.com/media/login-banner.png")]
    [InlineData("https://example.com/accounts/42/avatar.png")]
    [InlineData("https://storage.googleapis.com/bucket/a.mp4")]
    [InlineData("https://auth.com/a.mp4")]
    public void Looks_OrdinaryFile_False(string url)
    {
        Assert.False(LoginPages.Looks(new Uri(url)));
    }
}
