using static System.FormattableString;

namespace Preflight.Core.Formats.Mp4.IsoBmff;

/// <summary>
/// The sample tables of one track (<c>stts</c>, <c>stsz</c>/<c>stz2</c>, <c>stsc</c>, <c>stco</c>/<c>co64</c>), read in place
/// from the <c>moov</c> buffer so a long track costs no extra memory.
/// </summary>
internal sealed class SampleTable
{
    private readonly string _track;
    private readonly Box _sizes;
    private readonly int _sizesStart;
    private readonly int _fieldBits;
    private readonly uint _constantSize;
    private readonly Box _chunkMap;
    private readonly uint _chunkMapCount;
    private readonly Box _offsets;
    private readonly int _offsetWidth;

    private SampleTable(string track, Box sizes, int sizesStart, int fieldBits, uint constantSize, ulong sampleCount,
        Box chunkMap, uint chunkMapCount, Box offsets, int offsetWidth, uint chunkCount, ulong timedSamples, ulong totalDelta)
    {
        _track = track;
        _sizes = sizes;
        _sizesStart = sizesStart;
        _fieldBits = fieldBits;
        _constantSize = constantSize;
        SampleCount = sampleCount;
        _chunkMap = chunkMap;
        _chunkMapCount = chunkMapCount;
        _offsets = offsets;
        _offsetWidth = offsetWidth;
        ChunkCount = chunkCount;
        TimedSampleCount = timedSamples;
        TotalDelta = totalDelta;
    }

    /// <summary>Samples listed in <c>stsz</c>/<c>stz2</c>.</summary>
    public ulong SampleCount { get; }

    /// <summary>Samples timed by <c>stts</c>.</summary>
    public ulong TimedSampleCount { get; }

    /// <summary>Sum of all <c>stts</c> deltas, in the track's timescale.</summary>
    public ulong TotalDelta { get; }

    public uint ChunkCount { get; }

    /// <summary>
    /// Old QuickTime sound tracks say "1 byte per sample" and count PCM frames, whatever the real bytes are
    /// (IMA4 packs 64 frames into 34 bytes), so their sizes say nothing reliable about where the data ends.
    /// </summary>
    public bool SizesAreFramesNotBytes(string handler) => handler == "soun" && _sizes.Type == "stsz" && _constantSize == 1;

    /// <summary>Whether some sample is 0 bytes long (ffmpeg's demuxer skips those, so its remux leaves them out).</summary>
    public bool HasEmptySample()
    {
        if (_sizes.Type == "stsz" && _constantSize != 0) return false;
        for (ulong i = 0; i < SampleCount; i++)
        {
            if (SampleSize(i) == 0) return true;
        }
        return false;
    }

    /// <summary>Whether every 'stsc' entry names sample description 1 (the only one a single-entry 'stsd' has).</summary>
    public bool UsesOnlyTheFirstDescription()
    {
        for (uint entry = 0; entry < _chunkMapCount; entry++)
        {
            var reader = _chunkMap.Fields();
            reader.Position = 8 + checked((int)entry * 12) + 8;
            if (reader.U32() != 1) return false;
        }
        return true;
    }

    public static SampleTable Parse(Box stbl, string track)
    {
        var (timed, delta) = ReadTimeToSample(stbl.Require("stts", track));

        var sizes = stbl.Child("stsz") ?? stbl.Child("stz2")
            ?? throw new IsoBmffCorruptException(Invariant($"{track}: {stbl.Where} has neither 'stsz' nor 'stz2' (sample sizes)"));
        uint constantSize = 0;
        int fieldBits;
        ulong sampleCount;
        var reader = sizes.Fields();
        reader.FullBoxHeader();
        if (sizes.Type == "stsz")
        {
            constantSize = reader.U32();
            sampleCount = reader.U32();
            fieldBits = 32;
            if (constantSize == 0) reader.NeedEntries(sampleCount, 4, "sample sizes");
        }
        else
        {
            reader.Skip(3);
            fieldBits = reader.U8();
            sampleCount = reader.U32();
            if (fieldBits is not (4 or 8 or 16))
            {
                throw new IsoBmffCorruptException(Invariant($"{track}: {sizes.Where} has a field size of {fieldBits} bits (allowed: 4, 8, 16)"));
            }
            if ((sampleCount * (ulong)fieldBits + 7) / 8 > (ulong)reader.Remaining)
            {
                throw new IsoBmffCorruptException(Invariant($"{track}: {sizes.Where} declares {sampleCount:N0} sample sizes but is too short for them"));
            }
        }
        var sizesStart = reader.Position;

        var chunkMap = stbl.Require("stsc", track);
        reader = chunkMap.Fields();
        reader.FullBoxHeader();
        var chunkMapCount = reader.U32();
        reader.NeedEntries(chunkMapCount, 12, "sample-to-chunk entries");

        var offsets = stbl.Child("stco") ?? stbl.Child("co64")
            ?? throw new IsoBmffCorruptException(Invariant($"{track}: {stbl.Where} has neither 'stco' nor 'co64' (chunk offsets)"));
        var offsetWidth = offsets.Type == "co64" ? 8 : 4;
        reader = offsets.Fields();
        reader.FullBoxHeader();
        var chunkCount = reader.U32();
        reader.NeedEntries(chunkCount, offsetWidth, "chunk offsets");

        return new SampleTable(track, sizes, sizesStart, fieldBits, constantSize, sampleCount,
            chunkMap, chunkMapCount, offsets, offsetWidth, chunkCount, timed, delta);
    }

    /// <summary>The tables must agree on how many samples there are.</summary>
    public void CheckConsistency()
    {
        if (SampleCount != TimedSampleCount)
        {
            throw new IsoBmffCorruptException(Invariant(
                $"{_track}: '{_sizes.Type}' lists {SampleCount:N0} samples but 'stts' times {TimedSampleCount:N0}: the sample tables disagree"));
        }
    }

    /// <summary>
    /// Calls <paramref name="visit"/> with the file offset and byte length of every chunk of sample data,
    /// checking on the way that <c>stsc</c>, <c>stco</c> and <c>stsz</c> describe the same samples.
    /// </summary>
    public void ForEachChunk(Action<ulong, ulong> visit)
    {
        if (ChunkCount > 0 && _chunkMapCount == 0)
        {
            throw new IsoBmffCorruptException(Invariant($"{_track}: 'stco' lists {ChunkCount:N0} chunks but 'stsc' maps no samples to them"));
        }

        ulong sampleIndex = 0;
        uint previousFirst = 0;
        for (uint entry = 0; entry < _chunkMapCount; entry++)
        {
            var (first, perChunk) = ChunkMapEntry(entry);
            if ((entry == 0 && first != 1) || (entry > 0 && first <= previousFirst))
            {
                throw new IsoBmffCorruptException(Invariant(
                    $"{_track}: 'stsc' entry {entry + 1} starts at chunk {first}, out of order (chunks are numbered from 1 and must increase)"));
            }
            if (first > ChunkCount)
            {
                throw new IsoBmffCorruptException(Invariant(
                    $"{_track}: 'stsc' refers to chunk {first:N0} but '{_offsets.Type}' lists only {ChunkCount:N0} chunks"));
            }

            var next = entry + 1 < _chunkMapCount ? ChunkMapEntry(entry + 1).First : (ulong)ChunkCount + 1;
            var last = Math.Min(next - 1, ChunkCount);
            for (ulong chunk = first; chunk <= last; chunk++)
            {
                if (sampleIndex + perChunk > SampleCount)
                {
                    throw new IsoBmffCorruptException(Invariant(
                        $"{_track}: the chunk tables ('stsc'/'{_offsets.Type}') describe more samples than the {SampleCount:N0} listed in '{_sizes.Type}'"));
                }
                visit(ChunkOffset(chunk - 1), SizeOfRun(sampleIndex, perChunk));
                sampleIndex += perChunk;
            }
            previousFirst = first;
        }

        if (sampleIndex != SampleCount)
        {
            throw new IsoBmffCorruptException(Invariant(
                $"{_track}: '{_sizes.Type}' lists {SampleCount:N0} samples but the chunks ('stsc'/'{_offsets.Type}') hold only {sampleIndex:N0}"));
        }
    }

    private static (ulong Count, ulong Delta) ReadTimeToSample(Box stts)
    {
        var reader = stts.Fields();
        reader.FullBoxHeader();
        var entries = reader.U32();
        reader.NeedEntries(entries, 8, "time-to-sample entries");
        ulong count = 0, delta = 0;
        for (uint i = 0; i < entries; i++)
        {
            ulong sampleCount = reader.U32();
            ulong sampleDelta = reader.U32();
            count += sampleCount;
            delta = checked(delta + sampleCount * sampleDelta);
        }
        return (count, delta);
    }

    private (uint First, uint PerChunk) ChunkMapEntry(uint index)
    {
        var reader = _chunkMap.Fields();
        reader.Position = 8 + checked((int)index * 12);
        return (reader.U32(), reader.U32());
    }

    private ulong ChunkOffset(ulong index)
    {
        var reader = _offsets.Fields();
        reader.Position = 8 + checked((int)index * _offsetWidth);
        return _offsetWidth == 8 ? reader.U64() : reader.U32();
    }

    private ulong SizeOfRun(ulong firstSample, ulong count)
    {
        if (_sizes.Type == "stsz" && _constantSize != 0) return checked(count * _constantSize);

        ulong total = 0;
        for (var i = firstSample; i < firstSample + count; i++)
        {
            total += SampleSize(i);
        }
        return total;
    }

    /// <summary>The listed size of sample <paramref name="index"/> (from 0) of a table without a constant size.</summary>
    private uint SampleSize(ulong index)
    {
        var span = _sizes.Span[_sizesStart..];
        return _fieldBits switch
        {
            32 => System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(span[checked((int)index * 4)..]),
            16 => System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(span[checked((int)index * 2)..]),
            8 => span[checked((int)index)],
            _ => (uint)(index % 2 == 0 ? span[checked((int)(index / 2))] >> 4 : span[checked((int)(index / 2))] & 0x0F),
        };
    }
}
