using System.Buffers.Binary;
using System.Net.Http.Headers;
using System.Text;

namespace Preflight.Api.Tests;

/// <summary>Tiny files built byte by byte, and multipart bodies that carry them.</summary>
internal static class TestMedia
{
    /// <summary>A valid PCM WAV: 16-bit mono at 8 kHz, a quiet sine-free ramp.</summary>
    public static byte[] Wav(double seconds = 0.25, int sampleRate = 8000)
    {
        var samples = (int)(seconds * sampleRate);
        var dataBytes = samples * 2;
        var wav = new byte[44 + dataBytes];
        var span = wav.AsSpan();
        Encoding.ASCII.GetBytes("RIFF").CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], (uint)(36 + dataBytes));
        Encoding.ASCII.GetBytes("WAVEfmt ").CopyTo(span[8..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(span[20..], 1); // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(span[22..], 1); // mono
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(span[28..], (uint)(sampleRate * 2));
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(span[34..], 16);
        Encoding.ASCII.GetBytes("data").CopyTo(span[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[40..], (uint)dataBytes);
        for (var i = 0; i < samples; i++) BinaryPrimitives.WriteInt16LittleEndian(span[(44 + 2 * i)..], (short)((i % 64) * 16));
        return wav;
    }

    public static byte[] Text => Encoding.UTF8.GetBytes("just some notes, not media\n");

    public static MultipartFormDataContent Multipart(params (string FileName, byte[] Bytes)[] files)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(part, "file", name);
        }
        return content;
    }
}
