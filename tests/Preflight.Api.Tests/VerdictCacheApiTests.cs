using System.Net;
using System.Text.Json.Nodes;
using Preflight.TestSupport;

namespace Preflight.Api.Tests;

/// <summary>The shared verdict cache in the HTTP service (on when a storage account is configured), on a real Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class VerdictCacheApiTests(AzuriteFixture azurite)
{
    private PreflightApiFactory Factory(string cache, params (string Key, string? Value)[] settings) => new(
    [
        ("Preflight:Staging:ConnectionString", azurite.ConnectionString),
        ("Preflight:Staging:Container", AzuriteFixture.UniqueName("api-staged")),
        ("Preflight:Cache:Container", cache),
        .. settings,
    ]);

    private static async Task<JsonNode> PostAsync(PreflightApiFactory factory, string query, (string Name, byte[] Bytes) file)
    {
        using var response = await factory.CreateClient().PostAsync("/v1/preflight/files" + query, TestMedia.Multipart(file));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!["files"]![0]!;
    }

    private static string WithoutCached(JsonNode file)
    {
        var copy = file.DeepClone().AsObject();
        copy.Remove("cached");
        return copy.ToJsonString();
    }

    [Fact]
    public async Task RepeatUpload_AnsweredFromTheCache_OtherwiseIdentical()
    {
        var cache = AzuriteFixture.UniqueName("api-cache");
        var bytes = await File.ReadAllBytesAsync(RepoPaths.TestFile("mislabeled", "png-named.jpg"));
        using var first = Factory(cache);
        using var second = Factory(cache); // another instance on the same storage account

        var fresh = await PostAsync(first, "", ("photo.jpg", bytes));
        var repeat = await PostAsync(second, "", ("photo.jpg", bytes));

        Assert.Null(fresh["cached"]);
        Assert.True((bool)repeat["cached"]!);
        Assert.Equal(WithoutCached(fresh), WithoutCached(repeat));
    }

    [Fact]
    public async Task OtherPlanOrName_IsAnotherKey()
    {
        var cache = AzuriteFixture.UniqueName("api-cache");
        var bytes = await File.ReadAllBytesAsync(RepoPaths.TestFile("valid", "image-320x180.jpg"));
        using var factory = Factory(cache);

        await PostAsync(factory, "", ("a.jpg", bytes));
        var otherPlan = await PostAsync(factory, "?plan=free", ("a.jpg", bytes));
        var otherName = await PostAsync(factory, "", ("b.jpg", bytes));
        var same = await PostAsync(factory, "?plan=free", ("a.jpg", bytes));

        Assert.Null(otherPlan["cached"]);
        Assert.Null(otherName["cached"]);
        Assert.True((bool)same["cached"]!);
    }

    [Fact]
    public async Task CacheDisabled_NeverCached()
    {
        var bytes = await File.ReadAllBytesAsync(RepoPaths.TestFile("valid", "image-160x90.png"));
        using var factory = Factory(AzuriteFixture.UniqueName("api-cache"), ("Preflight:Cache:Enabled", "false"));

        await PostAsync(factory, "", ("a.png", bytes));
        var again = await PostAsync(factory, "", ("a.png", bytes));

        Assert.Null(again["cached"]);
    }
}
