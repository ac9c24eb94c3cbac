using System.Security.Cryptography;
using Preflight.TestSupport;

namespace Preflight.Staging.Tests;

public sealed class LocalFolderStagingStoreTests : IDisposable
{
    private readonly TempDir _temp = new();

    private LocalFolderStagingStore Store() =>
        new(new StagingOptions { LocalPath = _temp.File("staged") }, "http://127.0.0.1:5000/");

    private (string Path, string Sha) File(int size)
    {
        var bytes = RandomNumberGenerator.GetBytes(size);
        return (_temp.Write("in.bin", bytes), Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    [Fact]
    public async Task StageAsync_NewFile_CopiesUnderContentAddressAndBuildsServiceUrl()
    {
        var (path, sha) = File(5000);

        var staged = await Store().StageAsync(new StageRequest(path, sha, ".png", "image/png"), default);

        Assert.Equal($"http://127.0.0.1:5000/staged/{sha}.png", staged.Url);
        Assert.False(staged.AlreadyExisted);
        Assert.Equal(System.IO.File.ReadAllBytes(path), System.IO.File.ReadAllBytes(Path.Combine(_temp.File("staged"), sha + ".png")));
        Assert.Equal([sha + ".png"], Directory.GetFiles(_temp.File("staged")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task StageAsync_Twice_SecondAlreadyExisted()
    {
        var (path, sha) = File(100);
        var store = Store();
        await store.StageAsync(new StageRequest(path, sha, ".wav", "audio/wav"), default);

        var second = await store.StageAsync(new StageRequest(path, sha, ".wav", "audio/wav"), default);

        Assert.True(second.AlreadyExisted);
    }

    [Theory]
    [InlineData("../etc/passwd", false)]
    [InlineData("ABCDEF0000000000000000000000000000000000000000000000000000000000.png", false)]
    [InlineData("abcdef0000000000000000000000000000000000000000000000000000000000.png", true)]
    [InlineData("abcdef0000000000000000000000000000000000000000000000000000000000.exe", false)]
    [InlineData("abcdef000000000000000000000000000000000000000000000000000000000.png", false)]
    [InlineData("abcdef0000000000000000000000000000000000000000000000000000000000.svg", false)] // markup: script on our origin
    [InlineData("abcdef0000000000000000000000000000000000000000000000000000000000.html", false)]
    [InlineData("abcdef0000000000000000000000000000000000000000000000000000000000.webp", true)]
    [InlineData("abcdef0000000000000000000000000000000000000000000000000000000000.m4a", true)]
    public void StagedNames_IsValid_OnlyContentAddresses(string name, bool valid) =>
        Assert.Equal(valid, StagedNames.IsValid(name));

    [Theory]
    [InlineData(".mp3", "audio/mpeg")]
    [InlineData(".jpg", "image/jpeg")]
    [InlineData(".webp", "image/webp")]
    [InlineData(".m4a", "audio/mp4")]
    [InlineData(".mov", "video/quicktime")]
    [InlineData(".ogg", "audio/ogg")]
    public void StagedNames_ContentTypeOf_TheFormatsOwn(string extension, string type) =>
        Assert.Equal(type, StagedNames.ContentTypeOf(new string('a', 64) + extension));

    [Fact]
    public async Task StageAsync_FolderThatCannotBeCreated_StagingExceptionAndNothingWritten()
    {
        // The staging folder would be under a regular file (a wrong setting, a read-only mount): a staging failure
        // the faces report as staging.failed, not an IOException that escapes as a 500.
        var (path, sha) = File(100);
        var blocker = _temp.File("not-a-folder");
        System.IO.File.WriteAllBytes(blocker, [1]);
        var store = new LocalFolderStagingStore(new StagingOptions { LocalPath = Path.Combine(blocker, "staged") }, "http://127.0.0.1:9");

        var e = await Assert.ThrowsAsync<StagingException>(() => store.StageAsync(new StageRequest(path, sha, ".wav", "audio/wav"), default));

        Assert.Contains("local staging folder", e.Message);
    }

    [Fact]
    public async Task StageAsync_AFormatOtherThanTheFiveClassicOnes_IsServedUnderItsName()
    {
        // A WebP passes under the ltx profile and is staged as .webp: its URL must not be a name the store never serves.
        var (path, sha) = File(100);
        var store = Store();

        var staged = await store.StageAsync(new StageRequest(path, sha, ".webp", "image/webp"), default);

        Assert.Equal(sha + ".webp", staged.BlobName);
        Assert.NotNull(store.PathOf(staged.BlobName));
    }

    [Fact]
    public async Task CheckHealthAsync_WritableFolder_IsHealthy()
    {
        var health = await Store().CheckHealthAsync(default);
        Assert.True(health.Healthy);
        Assert.Equal("local-folder", health.Store);
    }

    public void Dispose() => _temp.Dispose();
}
