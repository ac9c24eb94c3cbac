
namespace Preflight.Core.Formats.Image;

/// <summary>What a structure walk found: a corruption message (null when the structure is sound).</summary>
internal sealed record StructureResult(string? Corruption, long TrailingBytes = 0)
{
    public static StructureResult Sound(long trailingBytes = 0) => new(null, trailingBytes);

    public static StructureResult Corrupt(string message) => new(message);

    public bool IsSound => Corruption is null;
}
