using Preflight.Core.Sniffing;

namespace Preflight.Core.Formats.Ogg;

/// <summary>Ogg: an 'OggS' page (stream structure version 0) at offset 0; the first packet names the codec for the basis.</summary>
internal sealed class OggDetector : IFormatDetector
{
    public SniffResult? Detect(SniffContext context)
    {
        var head = context.Head;
        if (!Bytes.StartsWith(head, 0, "OggS"u8) || head.Length < 27 || head[4] != 0) return null;

        var packetAt = 27 + head[26]; // after the segment table
        var codec = Codec(head[Math.Min(packetAt, head.Length)..]);
        return Sniffed.As(KnownFormats.Ogg, codec is null ? "'OggS' page at offset 0" : $"'OggS' page at offset 0 ({codec})");
    }

    private static string? Codec(ReadOnlySpan<byte> packet) => packet switch
    {
        _ when Bytes.StartsWith(packet, 0, "\u0001vorbis"u8) => "Vorbis",
        _ when Bytes.StartsWith(packet, 0, "OpusHead"u8) => "Opus",
        _ when Bytes.StartsWith(packet, 0, "\u007FFLAC"u8) => "FLAC",
        _ when Bytes.StartsWith(packet, 0, "Speex   "u8) => "Speex",
        _ when Bytes.StartsWith(packet, 0, [0x80, (byte)'t', (byte)'h', (byte)'e', (byte)'o', (byte)'r', (byte)'a']) => "Theora",
        _ => null,
    };
}
