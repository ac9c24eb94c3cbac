namespace Preflight.Core.Jobs;

/// <summary>The generation API endpoints Preflight knows how to check, by their public names.</summary>
public static class JobEndpoints
{
    public const string VideoGenerate = "video/generate";
    public const string VideoTranslate = "video_translate";
    public const string StreamingTask = "streaming.task";

    public static IReadOnlyList<string> PerCall { get; } =
    [
        "photo_avatar/photo/generate", "photo_avatar/look/generate", "photo_avatar/train",
        "photo_avatar/add_motion", "photo_avatar/add_sound_effect", "photo_avatar/upscale",
    ];

    /// <summary>"/v2/video/generate", "Video/Generate " → "video/generate". Unknown names pass through trimmed.</summary>
    public static string Normalise(string? endpoint)
    {
        var name = (endpoint ?? "").Trim().Trim('/').ToLowerInvariant();
        foreach (var prefix in new[] { "v1/", "v2/" })
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal)) name = name[prefix.Length..];
        }
        return name switch
        {
            "video/translate" or "video_translate/translate" => VideoTranslate,
            "streaming/task" or "streaming_task" => StreamingTask,
            _ => name,
        };
    }
}
