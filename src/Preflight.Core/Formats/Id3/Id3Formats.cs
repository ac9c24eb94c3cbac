namespace Preflight.Core.Formats.Id3;

/// <summary>An ID3v2 tag no audio detector could follow: names no format of its own (HLS, ffconcat or unknown).</summary>
internal static class Id3Formats
{
    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new Id3OrphanDetector());
}
