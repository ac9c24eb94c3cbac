using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Riff;

/// <summary>Other RIFF containers: AVI and WebP (WAV has its own folder).</summary>
internal static class RiffFormats
{
    public static FormatDeclaration Avi { get; } = new(
        KnownFormats.Avi, "AVI video", AssetKind.Video, "video/x-msvideo",
        Extensions: [".avi"],
        ClaimedBy: ["video/x-msvideo", "video/avi", "video/msvideo"]);

    public static FormatDeclaration Webp { get; } = new(
        KnownFormats.Webp, "WebP image", AssetKind.Image, "image/webp",
        Extensions: [".webp"],
        ClaimedBy: ["image/webp"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new RiffDetector(), Wav.WavFormats.Wav, Avi, Webp);
}
