using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.W64;

/// <summary>
/// Sony Wave64: RIFF with 64-bit sizes and GUIDs for chunk ids. The file starts with the 'riff' GUID, a 64-bit size,
/// then the 'wave' GUID (each GUID's first four bytes spell the RIFF name it stands for).
/// </summary>
internal sealed class W64Detector : IFormatDetector
{
    // 66666972-912E-11CF-A5D6-28DB04C10000 and 65766177-ACF3-11D3-8CD1-00C04F8EDB8A as stored (little-endian fields).
    private static ReadOnlySpan<byte> RiffGuid => [0x72, 0x69, 0x66, 0x66, 0x2E, 0x91, 0xCF, 0x11, 0xA5, 0xD6, 0x28, 0xDB, 0x04, 0xC1, 0x00, 0x00];
    private static ReadOnlySpan<byte> WaveGuid => [0x77, 0x61, 0x76, 0x65, 0xF3, 0xAC, 0xD3, 0x11, 0x8C, 0xD1, 0x00, 0xC0, 0x4F, 0x8E, 0xDB, 0x8A];

    public SniffResult? Detect(SniffContext context)
    {
        var head = context.Head;
        return Bytes.StartsWith(head, 0, RiffGuid) && Bytes.StartsWith(head, 24, WaveGuid)
            ? Sniffed.As(KnownFormats.W64, "Wave64 'riff' GUID at offset 0 and 'wave' GUID at offset 24")
            : null;
    }
}
