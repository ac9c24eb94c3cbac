using System.Text;
using System.Text.Json;
using Preflight.Core.Reports;
using Preflight.Core.Rules;

namespace Preflight.Worker;

/// <summary>What one queue message asks for: inspect this blob.</summary>
/// <remarks><see cref="Profile"/> names a catalog profile (null: the worker's configured one).</remarks>
public sealed record WorkRequest(string BlobUrl, AssetKind? Kind, string? Plan, string? CorrelationId, string? ETag, string? Profile = null);

/// <summary>
/// Reads a request message: <c>{"blobUrl", "kind"?, "plan"?, "profile"?, "correlationId"?}</c> or an Event Grid
/// <c>Microsoft.Storage.BlobCreated</c> event (Event Grid or CloudEvents schema), Base64-encoded or plain.
/// </summary>
public static class WorkRequestParser
{
    public const string BlobCreated = "Microsoft.Storage.BlobCreated";

    /// <summary>The request, or null with <paramref name="error"/> saying why the message is unusable.</summary>
    public static WorkRequest? Parse(string messageText, out string? error)
    {
        var json = DecodeBase64Json(messageText) ?? messageText;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            error = $"message is not JSON (nor Base64-encoded JSON): {e.Message}";
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            // Event Grid may hand over a one-element array.
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() == 1) root = root[0];
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "message must be a JSON object";
                return null;
            }

            var eventType = Text(root, "eventType") ?? Text(root, "type");
            if (eventType is not null && root.TryGetProperty("data", out var data))
                return FromEvent(root, eventType, data, out error);
            return FromRequest(root, out error);
        }
    }

    private static WorkRequest? FromEvent(JsonElement root, string eventType, JsonElement data, out string? error)
    {
        if (eventType != BlobCreated)
        {
            error = $"event type '{eventType}' is not {BlobCreated}";
            return null;
        }
        var url = data.ValueKind == JsonValueKind.Object ? Text(data, "url") : null;
        if (url is null)
        {
            error = "BlobCreated event has no data.url";
            return null;
        }
        error = null;
        return new WorkRequest(url, null, null, Text(root, "id"), Text(data, "eTag"));
    }

    private static WorkRequest? FromRequest(JsonElement root, out string? error)
    {
        var url = Text(root, "blobUrl");
        if (url is null)
        {
            error = "message has no 'blobUrl' (and is not a BlobCreated event)";
            return null;
        }
        AssetKind? kind = null;
        if (Text(root, "kind") is { } kindText)
        {
            kind = Profile.ParseKind(kindText);
            if (kind is null)
            {
                error = $"kind '{kindText}' is not video, image or audio";
                return null;
            }
        }
        var profile = Text(root, "profile");
        if (profile is not null && string.IsNullOrWhiteSpace(profile))
        {
            error = "profile must not be empty";
            return null;
        }
        var plan = Text(root, "plan")?.ToLowerInvariant();
        // A named profile's plans are known once the catalog resolves it (the stage checks them).
        if (plan is not null && profile is null && !Profile.HeyGen.IsKnownPlan(plan))
        {
            error = $"plan '{plan}' is not one of {string.Join(", ", Profile.HeyGen.PlanOrder)}";
            return null;
        }
        error = null;
        return new WorkRequest(url, kind, plan, Text(root, "correlationId"), null, profile?.Trim());
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>QueueClient with Base64 encoding, Event Grid and Functions write Base64; people write JSON. Accept both.</summary>
    private static string? DecodeBase64Json(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed[0] is '{' or '[') return null;
        var buffer = new byte[trimmed.Length];
        if (!Convert.TryFromBase64String(trimmed, buffer, out var written)) return null;
        var decoded = Encoding.UTF8.GetString(buffer, 0, written).TrimStart('\uFEFF', ' ', '\r', '\n', '\t');
        return decoded.StartsWith('{') || decoded.StartsWith('[') ? decoded : null;
    }
}
