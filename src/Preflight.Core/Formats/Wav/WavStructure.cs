using System.Buffers.Binary;
using System.Text;

namespace Preflight.Core.Formats.Wav;

/// <summary>
/// Walks a RIFF/WAVE (or RF64/BW64) file chunk by chunk. NAudio accepts a data chunk that claims more bytes than
/// the file holds and silently clamps it, so the declared sizes are checked against the bytes present here.
/// Reads only chunk headers and the small fmt/ds64/fact chunks: the audio itself is never read.
/// </summary>
internal static class WavStructure
{
    /// <summary>
    /// Real WAVs have a handful of chunks; NAudio's reader keeps every one in memory (49 MB of empty chunks: 8 s,
    /// 320 MB), so a file with more is refused before it gets there.
    /// </summary>
    public const int MaxChunks = 10_000;

    private const int WaveFormatPcm = 0x0001;
    private const int WaveFormatIeeeFloat = 0x0003;
    private const int WaveFormatExtensible = 0xFFFE;

    // Streaming writers leave these in the RIFF size when they cannot seek back; the data chunk is then checked alone.
    private const uint RiffSizeUnknown = 0xFFFFFFFF;

    public static WavWalkResult Walk(Stream stream)
    {
        var length = stream.Length;
        Span<byte> header = stackalloc byte[12];
        if (!TryRead(stream, 0, header))
            return WavWalkResult.Corrupt($"WAV is only {length} bytes long: shorter than a RIFF header (12 bytes).");

        var container = Encoding.ASCII.GetString(header[..4]);
        if (container is not ("RIFF" or "RF64" or "BW64"))
            return WavWalkResult.Corrupt("The file does not start with a RIFF, RF64 or BW64 header.");
        if (!header[8..12].SequenceEqual("WAVE"u8))
            return WavWalkResult.Corrupt($"The {container} file is not of type WAVE.");

        var riffSize32 = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        long position = 12;
        long declaredEnd;
        long? ds64DataSize = null;
        Span<byte> chunkHeader = stackalloc byte[8];
        Span<byte> fact = stackalloc byte[4];

        if (container == "RIFF")
        {
            declaredEnd = riffSize32 is 0 or RiffSizeUnknown ? -1 : riffSize32 + 8L;
        }
        else
        {
            // RF64/BW64 keep their real sizes as 64-bit values in the ds64 chunk that must come first.
            Span<byte> ds64 = stackalloc byte[24];
            if (!TryRead(stream, position, chunkHeader) || !chunkHeader[..4].SequenceEqual("ds64"u8))
                return WavWalkResult.Corrupt($"{container} file has no ds64 chunk right after its header, so its sizes are unknown.");
            var ds64Size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            if (ds64Size < 24 || !TryRead(stream, position + 8, ds64))
                return WavWalkResult.Corrupt($"{container} ds64 chunk is too short or cut off: the file is damaged or truncated.");
            var riffSize64 = BinaryPrimitives.ReadInt64LittleEndian(ds64);
            var dataSize64 = BinaryPrimitives.ReadInt64LittleEndian(ds64[8..]);
            if (riffSize64 < 0 || dataSize64 < 0)
                return WavWalkResult.Corrupt($"{container} ds64 chunk declares a negative size (RIFF {riffSize64:N0}, data {dataSize64:N0} bytes): the file is damaged.");
            declaredEnd = riffSize64 > long.MaxValue - 8 ? long.MaxValue : riffSize64 + 8;
            ds64DataSize = dataSize64;
            position += 8 + ds64Size + (ds64Size & 1);
        }

        WavFormat? format = null;
        long? factSamples = null;
        long dataOffset = -1, dataLength = -1;
        // Chunks are walked to the end of the file, not just the declared RIFF end, so a wrong RIFF size cannot hide data.
        var chunks = 0;
        while (position + 8 <= length)
        {
            if (format is not null && dataOffset >= 0 && declaredEnd >= 0 && position >= declaredEnd) break;
            if (++chunks > MaxChunks)
                return WavWalkResult.Corrupt($"WAV has more than {MaxChunks:N0} chunks (real files have a handful): the file is damaged or made to exhaust readers.");
            TryRead(stream, position, chunkHeader);
            var id = chunkHeader[..4];
            long size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            var name = Printable(id);
            if (ds64DataSize is { } big && id.SequenceEqual("data"u8) && size == 0xFFFFFFFF) size = big;
            var present = length - position - 8;

            if (id.SequenceEqual("data"u8))
            {
                if (dataOffset >= 0)
                    return WavWalkResult.Corrupt($"WAV has a second data chunk at offset {position}: the file is damaged.");
                if (size > present && size == uint.MaxValue)
                {
                    return WavWalkResult.Corrupt(
                        $"WAV data chunk declares {size:N0} bytes (0xFFFFFFFF, 'length unknown': written to a pipe and never finished) " +
                        $"but {present:N0} are present; players and the API may reject or misread it.") with { LengthUnknown = true };
                }
                if (size > present)
                {
                    return WavWalkResult.Corrupt(
                        $"WAV data chunk declares {size:N0} bytes of audio but only {present:N0} are present: the file is truncated.");
                }
                dataOffset = position + 8;
                dataLength = size;
            }
            else if (size > present)
            {
                return WavWalkResult.Corrupt(
                    $"WAV chunk '{name}' at offset {position} declares {size:N0} bytes but only {present:N0} are present: the file is truncated.");
            }
            else if (id.SequenceEqual("fmt "u8))
            {
                if (format is not null)
                    return WavWalkResult.Corrupt($"WAV has a second fmt chunk at offset {position}: the file is damaged.");
                if (size < 16)
                    return WavWalkResult.Corrupt($"WAV fmt chunk is {size} bytes long, shorter than the 16 bytes every format needs.");
                var fmt = new byte[(int)Math.Min(size, 40)];
                TryRead(stream, position + 8, fmt);
                format = ParseFormat(fmt);
            }
            else if (id.SequenceEqual("fact"u8) && size >= 4)
            {
                TryRead(stream, position + 8, fact);
                factSamples = BinaryPrimitives.ReadUInt32LittleEndian(fact);
            }

            // A pad byte follows odd-sized chunks; a missing final pad byte is harmless.
            position += 8 + size + (size & 1);
        }

        if (format is null)
            return WavWalkResult.Corrupt(dataOffset >= 0 ? "WAV has no fmt chunk: its audio cannot be interpreted." : "WAV has neither a fmt nor a data chunk (header only).");
        if (dataOffset < 0)
            return WavWalkResult.Corrupt("WAV has no data chunk: it holds no audio (header only or truncated).");

        var problem = CheckFormat(format) ?? (dataLength == 0 ? "WAV data chunk is empty: the file holds no audio." : null);
        if (problem is not null) return WavWalkResult.Corrupt(problem);

        // One byte of slack: writers often count the pad byte of an odd-sized last chunk but do not write it.
        if (declaredEnd > length + 1)
        {
            return WavWalkResult.Corrupt(
                $"{container} header declares {declaredEnd:N0} bytes but the file has only {length:N0}: the file is truncated.");
        }

        return new WavWalkResult(new WavLayout(container, format, dataOffset, dataLength, factSamples), null);
    }

    private static WavFormat ParseFormat(ReadOnlySpan<byte> fmt)
    {
        int tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        var extensible = false;
        // WAVE_FORMAT_EXTENSIBLE: the real format tag is the first two bytes of the SubFormat GUID (offset 24).
        if (tag == WaveFormatExtensible && fmt.Length >= 40)
        {
            tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt[24..]);
            extensible = true;
        }
        return new WavFormat(
            FormatTag: tag,
            Channels: BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]),
            SampleRate: (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]), int.MaxValue),
            AverageBytesPerSecond: BinaryPrimitives.ReadUInt32LittleEndian(fmt[8..]),
            BlockAlign: BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]),
            BitsPerSample: BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]),
            Extensible: extensible);
    }

    private static string? CheckFormat(WavFormat f)
    {
        if (f.FormatTag == WaveFormatExtensible)
            return "WAV fmt chunk says WAVE_FORMAT_EXTENSIBLE but is too short to hold its sub-format.";
        if (f.Channels == 0) return "WAV fmt chunk declares 0 channels: the file is damaged.";
        if (f.SampleRate == 0) return "WAV fmt chunk declares a sample rate of 0: the file is damaged.";
        if (f.BlockAlign == 0) return "WAV fmt chunk declares a block align of 0: the file is damaged.";
        if (IsPcmLike(f.FormatTag))
        {
            if (f.BitsPerSample == 0) return "WAV fmt chunk declares 0 bits per sample: the file is damaged.";
            var expected = f.Channels * ((f.BitsPerSample + 7) / 8);
            if (f.BlockAlign != expected)
            {
                return $"WAV fmt chunk is inconsistent: {f.Channels} channel(s) of {f.BitsPerSample}-bit samples need a block align of " +
                       $"{expected}, but it declares {f.BlockAlign}.";
            }
        }
        return null;
    }

    public static bool IsPcmLike(int formatTag) => formatTag is WaveFormatPcm or WaveFormatIeeeFloat;

    /// <summary>The ffmpeg/ffprobe name of the codec, so WAV facts read like the rest of the report.</summary>
    public static string CodecName(WavFormat f) => (f.FormatTag, f.BitsPerSample) switch
    {
        (WaveFormatPcm, 8) => "pcm_u8",
        (WaveFormatPcm, var bits) => $"pcm_s{(bits + 7) / 8 * 8}le",
        (WaveFormatIeeeFloat, 64) => "pcm_f64le",
        (WaveFormatIeeeFloat, _) => "pcm_f32le",
        (0x0002, _) => "adpcm_ms",
        (0x0006, _) => "pcm_alaw",
        (0x0007, _) => "pcm_mulaw",
        (0x0011, _) => "adpcm_ima_wav",
        (0x0031, _) => "gsm_ms",
        (0x0050, _) => "mp2",
        (0x0055, _) => "mp3",
        (0x00FF or 0x1610, _) => "aac",
        (0x0161, _) => "wmav2",
        (0xF1AC, _) => "flac",
        var (tag, _) => $"wav_format_0x{tag:X4}",
    };

    private static string Printable(ReadOnlySpan<byte> id)
    {
        foreach (var b in id)
        {
            if (b is < 0x20 or > 0x7E) return Convert.ToHexString(id);
        }
        return Encoding.ASCII.GetString(id);
    }

    private static bool TryRead(Stream stream, long offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > stream.Length) return false;
        stream.Position = offset;
        stream.ReadExactly(destination);
        return true;
    }
}
