using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Gif;

/// <summary>GIF: recognised, never opened.</summary>
internal static class GifFormats
{
    public static FormatDeclaration Gif { get; } = new(
        KnownFormats.Gif, "GIF image", AssetKind.Image, "image/gif",
        Extensions: [".gif"],
        ClaimedBy: ["image/gif"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new GifDetector(), Gif);
}
