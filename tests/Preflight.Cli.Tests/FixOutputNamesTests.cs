using Preflight.Cli.Commands;

namespace Preflight.Cli.Tests;

/// <summary>Output names of <c>preflight fix</c>: claimed in input order, whatever order the fixes finish in.</summary>
public sealed class FixOutputNamesTests
{
    // a.mov and a.mkv both become a.mp4; a.mkv.mov's plain name is a.mkv's suffixed one; b.mov is unrelated.
    private static readonly string[] Inputs = ["a.mov", "a.mkv", "a.mkv.mov", "b.mov"];
    private static readonly string[] Expected = ["a.mp4", "a.mkv.mp4", "a.mkv.mov.mp4", "b.mp4"];

    /// <summary>A claim with no earlier rival completes at once: this only keeps a wrong wait from hanging the run.</summary>
    private static readonly TimeSpan NoWait = TimeSpan.FromSeconds(10);

    public static TheoryData<int[]> FinishOrders() => new()
    {
        new[] { 0, 1, 2, 3 },
        new[] { 3, 2, 1, 0 },
        new[] { 1, 0, 3, 2 },
        new[] { 2, 3, 0, 1 },
        new[] { 1, 2, 0, 3 },
    };

    [Theory]
    [MemberData(nameof(FinishOrders))]
    public async Task ClaimAsync_InputsFinishingInAnyOrder_SameNamesFirstInputKeepsThePlainName(int[] finishOrder)
    {
        var names = new FixOutputNames(Inputs);

        var claims = new Task<string?>[Inputs.Length];
        foreach (var index in finishOrder) claims[index] = names.ClaimAsync(index, ".mp4", CancellationToken.None);

        Assert.Equal(Expected, await Task.WhenAll(claims));
    }

    [Fact]
    public async Task ClaimAsync_LaterInputFinishedFirst_WaitsForTheEarlierRivalOnly()
    {
        var names = new FixOutputNames(Inputs);

        var second = names.ClaimAsync(1, ".mp4", CancellationToken.None);
        Assert.Equal("b.mp4", await names.ClaimAsync(3, ".mp4", CancellationToken.None).WaitAsync(NoWait));
        Assert.False(second.IsCompleted);

        Assert.Equal("a.mp4", await names.ClaimAsync(0, ".mp4", CancellationToken.None));
        Assert.Equal("a.mkv.mp4", await second);
    }

    [Fact]
    public async Task ClaimAsync_EarlierInputWithoutOutput_LaterGetsThePlainName()
    {
        var names = new FixOutputNames(Inputs);

        var second = names.ClaimAsync(1, ".mp4", CancellationToken.None);
        names.Settle(0);

        Assert.Equal("a.mp4", await second);
    }

    [Fact]
    public async Task ClaimAsync_CancelledWhileWaiting_Throws()
    {
        var names = new FixOutputNames(Inputs);
        using var cancellation = new CancellationTokenSource();

        var second = names.ClaimAsync(1, ".mp4", cancellation.Token);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
    }

    [Fact]
    public async Task ClaimAsync_OutputFileIsAnotherInputsFolder_EarlierInputWinsWhicheverFinishesFirst()
    {
        // clip.mov → clip.mp4 (a file); clip.mp4/b.mov → clip.mp4/b.mp4 (needs a folder clip.mp4).
        var fileFirst = new FixOutputNames(["clip.mov", "clip.mp4/b.mov"]);
        var later = fileFirst.ClaimAsync(1, ".mp4", CancellationToken.None);
        Assert.False(later.IsCompleted);
        Assert.Equal("clip.mp4", await fileFirst.ClaimAsync(0, ".mp4", CancellationToken.None));
        Assert.Null(await later);

        // The other way round the folder is there first, so the file takes the suffixed name.
        var folderFirst = new FixOutputNames(["clip.mp4/b.mov", "clip.mov"]);
        var file = folderFirst.ClaimAsync(1, ".mp4", CancellationToken.None);
        Assert.False(file.IsCompleted);
        Assert.Equal("clip.mp4/b.mp4", await folderFirst.ClaimAsync(0, ".mp4", CancellationToken.None));
        Assert.Equal("clip.mov.mp4", await file);
    }

    [Fact]
    public async Task ClaimAsync_SameStemInOtherFolders_NoRivals()
    {
        var names = new FixOutputNames(["x/a.mov", "y/a.mkv", "a.b/c.mov"]);

        Assert.Equal("a.b/c.mp4", await names.ClaimAsync(2, ".mp4", CancellationToken.None).WaitAsync(NoWait));
        Assert.Equal("y/a.mp4", await names.ClaimAsync(1, ".mp4", CancellationToken.None).WaitAsync(NoWait));
        Assert.Equal("x/a.mp4", await names.ClaimAsync(0, ".mp4", CancellationToken.None));
    }
}
