using System.Buffers.Binary;
using System.Text;

namespace Preflight.Core.Tests.Formats.Wav;

/// <summary>
/// Builds WAV files whose declared sizes and format fields can disagree with what is really there
/// (in the spirit of NAudio's own WaveFileBuilder test helper).
/// </summary>
internal sealed record WavBuilder
{
    public string Container { get; init; } = "RIFF";
    public int FormatTag { get; init; } = 1;
    public int Channels { get; init; } = 2;
    public int SampleRate { get; init; } = 48000;
    public int BitsPerSample { get; init; } = 16;
    public int? BlockAlign { get; init; }
    public int? AverageBytesPerSecond { get; init; }
    public bool Extensible { get; init; }
    public bool IncludeFormat { get; init; } = true;
    public bool IncludeData { get; init; } = true;
    public int DataBytes { get; init; } = 48000 * 4; // one second of 16-bit stereo at 48 kHz
    public uint? DeclaredDataSize { get; init; }
    public uint? DeclaredRiffSize { get; init; }
    public long? Ds64RiffSize { get; init; }
    public long? Ds64DataSize { get; init; }
    public bool IncludeDs64 { get; init; } = true;
    public byte[]? TrailingChunk { get; init; }

    public byte[] Build()
    {
        var blockAlign = BlockAlign ?? Channels * ((BitsPerSample + 7) / 8);
        var body = new MemoryStream();
        body.Write("WAVE"u8);
        var rf64 = Container != "RIFF";
        long ds64Position = -1;
        if (rf64 && IncludeDs64)
        {
            ds64Position = body.Position + 8;
            WriteChunk(body, "ds64", new byte[28]);
        }
        if (IncludeFormat)
        {
            var fmt = new byte[Extensible ? 40 : 16];
            BinaryPrimitives.WriteUInt16LittleEndian(fmt, (ushort)(Extensible ? 0xFFFE : FormatTag));
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), (ushort)Channels);
            BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), (uint)SampleRate);
            BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), (uint)(AverageBytesPerSecond ?? SampleRate * blockAlign));
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), (ushort)blockAlign);
            BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), (ushort)BitsPerSample);
            if (Extensible)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(16), 22);
                BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(18), (ushort)BitsPerSample);
                BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(20), Channels == 2 ? 3u : 4u);
                // KSDATAFORMAT_SUBTYPE_*: the format tag, then the fixed GUID tail.
                BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(24), (ushort)FormatTag);
                byte[] tail = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
                tail.CopyTo(fmt, 26);
            }
            WriteChunk(body, "fmt ", fmt);
        }
        if (IncludeData)
        {
            var samples = new byte[DataBytes];
            for (var i = 0; i < samples.Length; i++) samples[i] = (byte)(i * 7);
            var declared = rf64 ? 0xFFFFFFFFu : DeclaredDataSize ?? (uint)DataBytes;
            WriteChunk(body, "data", samples, declared);
        }
        if (TrailingChunk is not null) body.Write(TrailingChunk);

        var bytes = new MemoryStream();
        bytes.Write(Encoding.ASCII.GetBytes(Container));
        WriteUInt32(bytes, rf64 ? 0xFFFFFFFFu : DeclaredRiffSize ?? (uint)body.Length);
        body.Position = 0;
        body.CopyTo(bytes);
        var result = bytes.ToArray();
        if (ds64Position >= 0)
        {
            var at = (int)ds64Position + 8; // after the container's own 8-byte header
            BinaryPrimitives.WriteInt64LittleEndian(result.AsSpan(at), Ds64RiffSize ?? result.Length - 8);
            BinaryPrimitives.WriteInt64LittleEndian(result.AsSpan(at + 8), Ds64DataSize ?? DataBytes);
            BinaryPrimitives.WriteInt64LittleEndian(result.AsSpan(at + 16), DataBytes / Math.Max(1, blockAlign));
        }
        return result;
    }

    private static void WriteChunk(Stream stream, string id, byte[] data, uint? declared = null)
    {
        stream.Write(Encoding.ASCII.GetBytes(id));
        WriteUInt32(stream, declared ?? (uint)data.Length);
        stream.Write(data);
        if (data.Length % 2 == 1) stream.WriteByte(0);
    }

    private static void WriteUInt32(Stream stream, uint value)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(word, value);
        stream.Write(word);
    }
}
