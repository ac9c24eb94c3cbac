using System.Text;
using Preflight.Core.Reports;

namespace Preflight.Worker.Tests;

public sealed class WorkRequestParserTests
{
    private const string Plain = """{"blobUrl":"http://127.0.0.1:10000/devstoreaccount1/uploads/a.mp4","kind":"video","plan":"pro","correlationId":"c-1"}""";

    private const string EventGridEvent = """
        {"topic":"/subscriptions/x/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/acct",
         "subject":"/blobServices/default/containers/uploads/blobs/a.png","eventType":"Microsoft.Storage.BlobCreated",
         "id":"evt-42","data":{"api":"PutBlob","eTag":"0x8D9","contentType":"image/png","contentLength":524288,
         "blobType":"BlockBlob","url":"https://acct.blob.core.windows.net/uploads/a.png"},"dataVersion":"","eventTime":"2026-11-26T04:00:00Z"}
        """;

    private const string CloudEvent = """
        {"specversion":"1.0","type":"Microsoft.Storage.BlobCreated","source":"/subscriptions/x","id":"ce-7",
         "data":{"url":"https://acct.blob.core.windows.net/uploads/b.wav","eTag":"0x1"}}
        """;

    [Fact]
    public void Parse_PlainRequest_ReadsAllFields()
    {
        var request = WorkRequestParser.Parse(Plain, out var error);
        Assert.Null(error);
        Assert.Equal(new WorkRequest("http://127.0.0.1:10000/devstoreaccount1/uploads/a.mp4", AssetKind.Video, "pro", "c-1", null), request);
    }

    [Fact]
    public void Parse_RequestWithProfile_ReadsItAndLeavesItsPlansToTheStage()
    {
        var request = WorkRequestParser.Parse("""{"blobUrl":"http://x/y/z.mp4","profile":" tavus ","plan":"gold"}""", out var error);
        Assert.Null(error);
        Assert.Equal(new WorkRequest("http://x/y/z.mp4", null, "gold", null, null, "tavus"), request);
        Assert.Null(WorkRequestParser.Parse(Plain, out _)!.Profile);
        Assert.Null(WorkRequestParser.Parse("""{"blobUrl":"http://x/y/z.mp4","profile":" "}""", out error));
        Assert.Contains("profile", error);
    }

    [Fact]
    public void Parse_Base64Request_SameAsPlain()
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(Plain));
        Assert.Equal(WorkRequestParser.Parse(Plain, out _), WorkRequestParser.Parse(encoded, out _));
    }

    [Fact]
    public void Parse_EventGridBlobCreated_UsesDataUrlEventIdAndETag()
    {
        var request = WorkRequestParser.Parse(EventGridEvent, out var error);
        Assert.Null(error);
        Assert.Equal("https://acct.blob.core.windows.net/uploads/a.png", request!.BlobUrl);
        Assert.Equal("evt-42", request.CorrelationId);
        Assert.Equal("0x8D9", request.ETag);
        Assert.Null(request.Kind);
    }

    [Fact]
    public void Parse_Base64EventGridArray_Accepted()
    {
        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes("[" + EventGridEvent + "]"));
        Assert.Equal("evt-42", WorkRequestParser.Parse(encoded, out _)!.CorrelationId);
    }

    [Fact]
    public void Parse_CloudEventSchema_Accepted()
    {
        Assert.Equal("ce-7", WorkRequestParser.Parse(CloudEvent, out _)!.CorrelationId);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{}")]
    [InlineData("[1,2]")]
    [InlineData("""{"blobUrl":"http://x/y/z.mp4","kind":"hologram"}""")]
    [InlineData("""{"blobUrl":"http://x/y/z.mp4","plan":"gold"}""")]
    [InlineData("""{"eventType":"Microsoft.Storage.BlobDeleted","data":{"url":"http://x/y/z"}}""")]
    [InlineData("""{"eventType":"Microsoft.Storage.BlobCreated","data":{}}""")]
    public void Parse_Unusable_ReturnsNullWithReason(string text)
    {
        Assert.Null(WorkRequestParser.Parse(text, out var error));
        Assert.False(string.IsNullOrWhiteSpace(error));
    }
}
