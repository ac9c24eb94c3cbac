using Preflight.Core.Rules;

namespace Preflight.Core.Jobs;

/// <summary>
/// The generation API's endpoints Preflight knows how to check, by their public names. The per-call endpoints
/// (photo avatar calls) are not listed here: they are the keys of the profile's <c>credits.perCall</c> table.
/// </summary>
public static class GenerationEndpoints
{
    public const string VideoGenerate = "video/generate";
    public const string VideoTranslate = "video_translate";
    public const string StreamingTask = "streaming.task";

    /// <summary>Every endpoint the profile can check: the three above, then each per-call endpoint the profile prices.</summary>
    public static IReadOnlyList<string> Supported(Profile profile) =>
        [VideoGenerate, VideoTranslate, StreamingTask, .. profile.Jobs?.Credits.PerCall.Keys ?? []];

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
