namespace Preflight.Core.Reports;

/// <summary>
/// The stable finding vocabulary (<c>area.snake_case</c>). Scripts gate on these strings:
/// never rename one; add new ones and list them in the README.
/// </summary>
public static class FindingCodes
{
    // file.*
    public const string FileEmpty = "file.empty";
    public const string FileTooLarge = "file.too_large";
    public const string FileCorrupt = "file.corrupt";
    public const string FileUnreadable = "file.unreadable";
    /// <summary>Warning: bytes after the container's last box/chunk; the media itself is intact (a remux drops them).</summary>
    public const string FileTrailingData = "file.trailing_data";
    /// <summary>Warning: a container size field disagrees with the file while the media it frames is complete.</summary>
    public const string FileHeaderMismatch = "file.header_mismatch";

    // format.*
    public const string FormatUnsupported = "format.unsupported";
    public const string FormatExtensionMismatch = "format.extension_mismatch";

    // media.*
    public const string MediaResolutionTooLarge = "media.resolution_too_large";
    public const string MediaDurationTooLong = "media.duration_too_long";
    public const string MediaNoVideoStream = "media.no_video_stream";
    public const string MediaNoAudioStream = "media.no_audio_stream";
    public const string MediaResolutionTooSmall = "media.resolution_too_small";
    public const string MediaTooManyMegapixels = "media.too_many_megapixels";
    public const string MediaAspectRatioOutOfRange = "media.aspect_ratio_out_of_range";
    public const string MediaDurationTooShort = "media.duration_too_short";

    // video.*
    public const string VideoNotFaststart = "video.not_faststart";
    public const string VideoFrameRateChanged = "video.frame_rate_changed";
    public const string VideoFrameRateOutOfRange = "video.frame_rate_out_of_range";
    public const string VideoCodecUnsupported = "video.codec_unsupported";

    // audio.*
    public const string AudioCodecUnsupported = "audio.codec_unsupported";
    public const string AudioSampleRateTooLow = "audio.sample_rate_too_low";

    // profile.* (about the rule profile, not the file)
    public const string ProfileRulesNotChecked = "profile.rules_not_checked";

    // image.*
    public const string ImageTooLargeToDecode = "image.too_large_to_decode";

    // probe.* (the inspection itself could not run)
    public const string ProbeFailed = "probe.failed";
    public const string ProbeTimeout = "probe.timeout";

    // url.*
    public const string UrlInvalid = "url.invalid";
    public const string UrlBlocked = "url.blocked";
    public const string UrlUnreachable = "url.unreachable";
    public const string UrlNotPublic = "url.not_public";
    public const string UrlNotFound = "url.not_found";
    public const string UrlHttpError = "url.http_error";
    public const string UrlReturnsHtml = "url.returns_html";
    public const string UrlContentTypeMismatch = "url.content_type_mismatch";
    public const string UrlNotHttps = "url.not_https";
    public const string UrlHostIsIp = "url.host_is_ip";
    public const string UrlRedirected = "url.redirected";
    public const string UrlHeadFailed = "url.head_failed";
    public const string UrlHeadersMissing = "url.headers_missing";
    public const string UrlTooLong = "url.too_long";
    public const string UrlGenericContentType = "url.generic_content_type";
    public const string UrlChangedDuringCheck = "url.changed_during_check";

    // staging.*
    public const string StagingFailed = "staging.failed";

    // job.*
    public const string JobNoScenes = "job.no_scenes";
    public const string JobTooManyScenes = "job.too_many_scenes";
    public const string JobTextTooLong = "job.text_too_long";
    public const string JobDimensionOutOfRange = "job.dimension_out_of_range";
    public const string JobResolutionExceedsPlan = "job.resolution_exceeds_plan";
    public const string JobAssetFailed = "job.asset_failed";
    public const string JobDurationExceedsPlan = "job.duration_exceeds_plan";
    public const string JobInsufficientCredits = "job.insufficient_credits";
    public const string JobExceedsMonthlyCredits = "job.exceeds_monthly_credits";
    public const string JobEndpointNotInPlan = "job.endpoint_not_in_plan";
    public const string JobUnknownEndpoint = "job.unknown_endpoint";
    public const string JobMissingField = "job.missing_field";
    public const string JobInvalidField = "job.invalid_field";
}
