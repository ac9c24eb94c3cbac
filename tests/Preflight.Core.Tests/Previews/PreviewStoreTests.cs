using Preflight.Core.Previews;

namespace Preflight.Core.Tests.Previews;

public sealed class PreviewStoreTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static Preview Of(int bytes) => new(Preview.Thumbnail, "image/png", 1, 1, new byte[bytes]);

    private static string Sha(int n) => n.ToString("x64");

    [Fact]
    public void Get_AfterTtl_IsGone()
    {
        var clock = new ManualClock();
        var store = new PreviewStore(new PreviewStoreOptions { Ttl = TimeSpan.FromMinutes(5) }, clock);
        store.Put(Sha(1), Of(10));

        clock.Now += TimeSpan.FromMinutes(4);
        Assert.NotNull(store.Get(Sha(1)));
        clock.Now += TimeSpan.FromMinutes(2);
        Assert.Null(store.Get(Sha(1)));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void Put_OverMaxCount_EvictsTheOldest()
    {
        var store = new PreviewStore(new PreviewStoreOptions { MaxCount = 2 }, new ManualClock());
        store.Put(Sha(1), Of(10));
        store.Put(Sha(2), Of(10));
        store.Put(Sha(3), Of(10));

        Assert.Null(store.Get(Sha(1)));
        Assert.NotNull(store.Get(Sha(2)));
        Assert.NotNull(store.Get(Sha(3)));
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public void Put_OverMaxBytes_EvictsUntilItFits()
    {
        var store = new PreviewStore(new PreviewStoreOptions { MaxBytes = 100 }, new ManualClock());
        store.Put(Sha(1), Of(40));
        store.Put(Sha(2), Of(40));
        store.Put(Sha(3), Of(40));

        Assert.Null(store.Get(Sha(1)));
        Assert.Equal(80, store.Bytes);
        store.Put(Sha(4), Of(101)); // larger than the whole store: not kept, nothing evicted for it
        Assert.Null(store.Get(Sha(4)));
        Assert.Equal(80, store.Bytes);
    }

    [Fact]
    public void Put_SameHashTwice_KeepsOneEntry()
    {
        var store = new PreviewStore(new PreviewStoreOptions(), new ManualClock());
        store.Put(Sha(1).ToUpperInvariant(), Of(10));
        store.Put(Sha(1), Of(20));

        Assert.Equal(1, store.Count);
        Assert.Equal(20, store.Bytes);
        Assert.Equal(20, store.Get(Sha(1).ToUpperInvariant())!.Bytes.Length);
    }
}
