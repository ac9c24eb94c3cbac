using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Preflight.Core.Formats.Zlib;

/// <summary>
/// The zlib checksum (RFC 1950, section 8.2). System.IO.Hashing has no Adler-32 before .NET 11, and the PNG image
/// data check runs it over every inflated byte (tens of MB for a large PNG), so it is vectorised where AVX2 exists:
/// the scalar loop was the largest single cost of a quick check of a folder of images.
/// </summary>
internal struct Adler32()
{
    private const uint Modulus = 65521;

    /// <summary>The most bytes after which the sums, started below <see cref="Modulus"/>, still fit in 32 bits (zlib's NMAX).</summary>
    private const int MaxBlock = 5552;

    private uint _a = 1;
    private uint _b;

    public readonly uint Value => (_b << 16) | _a;

    public void Update(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            var block = data[..Math.Min(data.Length, MaxBlock)];
            var vectorBytes = Avx2.IsSupported ? block.Length & ~31 : 0;
            if (vectorBytes > 0) UpdateAvx2(block[..vectorBytes]);
            UpdateScalar(block[vectorBytes..]);
            _a %= Modulus;
            _b %= Modulus;
            data = data[block.Length..];
        }
    }

    // Fully optimised from the first call: the tier-0 code of a loop over intrinsics is many times slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UpdateScalar(ReadOnlySpan<byte> block)
    {
        foreach (var value in block)
        {
            _a += value;
            _b += _a;
        }
    }

    /// <summary>
    /// 32 bytes d[0..31] at a time: a += Σ d[i]; b += 32·a(before) + Σ (32 − i)·d[i]. The byte sums come from
    /// SAD against zero, the weighted sums from two multiply-adds; the 32·a terms are summed and shifted once at the end.
    /// Whole blocks of at most <see cref="MaxBlock"/> bytes keep every lane inside 32 bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void UpdateAvx2(ReadOnlySpan<byte> block)
    {
        var weights = Vector256.Create(
            (sbyte)32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17,
            16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
        var ones = Vector256.Create((short)1);
        var sumA = Vector256.Create(_a, 0, 0, 0, 0, 0, 0, 0);
        var sumB = Vector256.Create(_b, 0, 0, 0, 0, 0, 0, 0);
        var previousA = Vector256<uint>.Zero;
        for (var offset = 0; offset < block.Length; offset += 32)
        {
            var bytes = Vector256.Create(block.Slice(offset, 32));
            previousA += sumA;
            sumA += Avx2.SumAbsoluteDifferences(bytes, Vector256<byte>.Zero).AsUInt32();
            var weighted = Avx2.MultiplyAddAdjacent(Avx2.MultiplyAddAdjacent(bytes, weights), ones);
            sumB += weighted.AsUInt32();
        }
        sumB += previousA << 5;
        _a = Vector256.Sum(sumA);
        _b = Vector256.Sum(sumB);
    }
}
