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
    public void StagedNames_IsValid_OnlyContentAddresses(string name, bool valid) =>
        Assert.Equal(valid, StagedNames.IsValid(name));

    [Fact]
    public async Task CheckHealthAsync_WritableFolder_IsHealthy()
    {
        var health = await Store().CheckHealthAsync(default);
        Assert.True(health.Healthy);
        Assert.Equal("local-folder", health.Store);
    }

    public void Dispose() => _temp.Dispose();
}
