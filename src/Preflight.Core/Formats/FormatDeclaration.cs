using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats;

/// <summary>
/// Everything Preflight knows about one format, in one place. Declared once in the format's own folder
/// (<c>Formats/&lt;Name&gt;/&lt;Name&gt;Format.cs</c>) and listed once in <see cref="FormatRegistry"/>.
/// </summary>
/// <param name="Id">The stable id reported in <c>detected.format</c> (a <see cref="Sniffing.KnownFormats"/> constant).</param>
/// <param name="DisplayName">Human name for messages: "PNG image", "QuickTime MOV video", …</param>
/// <param name="Family">Which kind of media it is, whether or not a profile accepts it.</param>
/// <param name="Mime">The MIME type reported for it in <c>detected.mime</c>.</param>
/// <param name="Extensions">Its usual file extensions (lower case, with the dot); the first is the usual one.</param>
/// <param name="ClaimedBy">
/// The <c>Content-Type</c> values that claim this format (registered types plus the aliases servers really send).
/// Empty when no label names it specifically (an ffconcat script is served as <c>text/plain</c>).
/// </param>
public sealed record FormatDeclaration(
    string Id,
    string DisplayName,
    AssetKind Family,
    string Mime,
    IReadOnlyList<string> Extensions,
    IReadOnlyList<string> ClaimedBy)
{
    /// <summary>Reads the file's structure and media facts; null for a format Preflight recognises but never opens.</summary>
    internal IFormatProber? Prober { get; init; }

    /// <summary>How ffprobe/ffmpeg may open it (forced demuxer); null when they are never run on it.</summary>
    internal FfmpegInput? Ffmpeg { get; init; }
}

/// <summary>
/// One line of <see cref="FormatRegistry"/>: a detector and the formats it can name. Several formats share a
/// detector when one signature covers a family (ISO BMFF brands, RIFF form types, EBML doc types, markup roots).
/// </summary>
/// <param name="Detector">Null for formats no signature names (the empty file).</param>
internal sealed record FormatEntry(IFormatDetector? Detector, params FormatDeclaration[] Formats);
