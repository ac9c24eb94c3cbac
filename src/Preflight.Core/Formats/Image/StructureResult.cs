
namespace Preflight.Core.Formats.Image;

/// <summary>What a structure walk found: a corruption message (null when the structure is sound).</summary>
internal sealed record StructureResult(string? Corruption, long TrailingBytes = 0)
{
    public static StructureResult Sound(long trailingBytes = 0) => new(null, trailingBytes);

    public static StructureResult Corrupt(string message) => new(message);

    /// <summary>The file must not reach a decoder at all, not even its header read (a zlib bomb in a PNG text chunk, a JPEG metadata block in thousands of parts).</summary>
    public bool KeepFromDecoder { get; init; }

    public bool IsSound => Corruption is null;
}
