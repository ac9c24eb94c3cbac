namespace Preflight.Core.Formats.Mp4;

/// <summary>Classic QuickTime files without ftyp: named as MOV (declared in Mp4Formats), detected late because the signature is weak.</summary>
internal static class QuickTimeAtomFormats
{
    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new QuickTimeAtomDetector());
}
