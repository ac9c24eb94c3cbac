namespace Preflight.Core.Previews;

/// <summary>
/// The <c>preview</c> member of a file entry, present only when previews were asked for (<c>?previews=true</c>,
/// <c>--format html</c>). A small picture made by Preflight itself (never the user's bytes): an image thumbnail,
/// a video frame or an audio waveform.
/// </summary>
/// <param name="Kind"><c>thumbnail</c> (image), <c>frame</c> (video) or <c>waveform</c> (audio).</param>
/// <param name="MediaType"><c>image/jpeg</c> or <c>image/png</c>.</param>
/// <param name="Width">Pixels of the preview picture (not of the media).</param>
/// <param name="Height">Pixels of the preview picture (not of the media).</param>
/// <param name="Url">Where the service serves it (<c>/v1/previews/{sha256}</c>) for a bounded time; null in files written by the CLI.</param>
/// <param name="DataUrl">The picture inline as a <c>data:</c> URL.</param>
public sealed record PreviewInfo(string Kind, string MediaType, int Width, int Height, string? Url, string DataUrl);

/// <summary>A rendered preview picture.</summary>
public sealed record Preview(string Kind, string MediaType, int Width, int Height, byte[] Bytes)
{
    public const string Thumbnail = "thumbnail";
    public const string Frame = "frame";
    public const string Waveform = "waveform";

    public string DataUrl => $"data:{MediaType};base64,{Convert.ToBase64String(Bytes)}";

    public PreviewInfo ToInfo(string? url) => new(Kind, MediaType, Width, Height, url, DataUrl);
}
