using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Inspection;

/// <summary>One file to inspect.</summary>
/// <param name="FilePath">Where the bytes are on disk (for uploads: a private temp file).</param>
/// <param name="DisplayPath">What the report calls it (relative path, upload file name, URL). Its extension declares the kind.</param>
public sealed record InspectionRequest(string FilePath, string DisplayPath)
{
    /// <summary>Overrides the kind declared by the extension (e.g. a URL asset with <c>"kind": "video"</c>).</summary>
    public AssetKind? DeclaredKind { get; init; }

    /// <summary>The SHA-256 when it was computed while the file was received, so it is not read twice.</summary>
    public string? Sha256 { get; init; }

    /// <summary>What the bytes are, when they were sniffed while the file was received, so the head is not read again.</summary>
    public SniffResult? Sniff { get; init; }

    /// <summary>
    /// The caller hashes the file itself, beside later work (a fix hashes its input while ffmpeg runs): a hash that
    /// would cost a read of its own is left out of the report (<see cref="FileReport.Sha256"/> null); one that comes
    /// with reading the file anyway (a small file read whole) is kept. Ignored when <see cref="Sha256"/> is given.
    /// </summary>
    public bool DeferHash { get; init; }
}

public sealed record InspectionOptions
{
    public Profile Profile { get; init; } = Profile.HeyGen;

    /// <summary>free | pro | scale | enterprise, or null for the resource limits alone.</summary>
    public string? Plan { get; init; }

    /// <summary>Decode everything (ImageSharp Load, ffmpeg -xerror) instead of structural checks alone.</summary>
    public bool Deep { get; init; }
}
