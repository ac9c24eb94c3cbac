using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Mp4;

/// <summary>ISO base media files (MP4, QuickTime MOV, M4A, 3GP, HEIF, AVIF): one box reader, told apart by their ftyp brands.</summary>
internal static class Mp4Formats
{
    public static FormatDeclaration Mp4 { get; } = new(
        KnownFormats.Mp4, "MP4 video", AssetKind.Video, "video/mp4",
        Extensions: [".mp4", ".m4v"],
        ClaimedBy: ["video/mp4", "application/mp4", "video/x-m4v"])
    {
        Prober = Mp4FormatProber.Instance,
        Ffmpeg = new("mov", "mov,mp4,m4a,3gp,3g2,mj2", "input.mp4"),
    };

    public static FormatDeclaration Mov { get; } = new(
        KnownFormats.Mov, "QuickTime MOV video", AssetKind.Video, "video/quicktime",
        Extensions: [".mov", ".qt"],
        ClaimedBy: ["video/quicktime"])
    {
        Prober = Mp4FormatProber.Instance,
        Ffmpeg = new("mov", "mov,mp4,m4a,3gp,3g2,mj2", "input.mov"),
    };

    public static FormatDeclaration M4a { get; } = new(
        KnownFormats.M4a, "audio-only MP4 (M4A)", AssetKind.Audio, "audio/mp4",
        Extensions: [".m4a", ".m4b"],
        ClaimedBy: ["audio/mp4", "audio/x-m4a", "audio/m4a", "audio/x-m4b"])
    {
        Prober = Mp4FormatProber.Instance,
        Ffmpeg = new("mov", "mov,mp4,m4a,3gp,3g2,mj2", "input.m4a"),
    };

    public static FormatDeclaration ThreeGp { get; } = new(
        KnownFormats.ThreeGp, "3GP video", AssetKind.Video, "video/3gpp",
        Extensions: [".3gp", ".3g2"],
        ClaimedBy: ["video/3gpp", "video/3gpp2", "audio/3gpp", "audio/3gpp2"])
    {
        Prober = Mp4FormatProber.Instance,
        Ffmpeg = new("mov", "mov,mp4,m4a,3gp,3g2,mj2", "input.3gp"),
    };

    public static FormatDeclaration Heif { get; } = new(
        KnownFormats.Heif, "HEIF image", AssetKind.Image, "image/heif",
        Extensions: [".heic", ".heif"],
        ClaimedBy: ["image/heif", "image/heic", "image/heif-sequence", "image/heic-sequence"]);

    public static FormatDeclaration Avif { get; } = new(
        KnownFormats.Avif, "AVIF image", AssetKind.Image, "image/avif",
        Extensions: [".avif"],
        ClaimedBy: ["image/avif", "image/avif-sequence"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new IsoBmffDetector(), Mp4, Mov, M4a, ThreeGp, Heif, Avif);
}
