using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Text;

/// <summary>Plain text: the last detector, anything that decodes without control characters.</summary>
internal static class TextFormats
{
    public static FormatDeclaration Text { get; } = new(
        KnownFormats.Text, "plain text", AssetKind.Unknown, "text/plain",
        Extensions: [".txt"],
        ClaimedBy: ["text/plain"]);

    /// <summary>This folder's line in <see cref="FormatRegistry"/>: its detector and the formats it names.</summary>
    public static FormatEntry Entry { get; } = new(new TextDetector(), Text);
}
