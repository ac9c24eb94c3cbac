using Preflight.Core.Formats.Image;

namespace Preflight.Core.Formats.Jpeg;

/// <summary>
/// Walks a JPEG's marker segments by their lengths and skips each scan's entropy-coded data to the next marker,
/// so a file cut anywhere (inside a segment, inside a scan, before EOI) is caught without decoding.
/// ImageSharp decodes such files silently, filling the missing part with grey.
/// </summary>
internal static class JpegStructure
{
    // libjpeg tolerates a few stray bytes before a marker ("extraneous bytes"); more than this means misaligned segments.
    private const int MaxStrayBytes = 16;

    /// <summary>
    /// Most segments one EXIF, XMP or ICC block may be split over (ICC numbers its parts in one byte; EXIF and XMP
    /// take one). ImageSharp's header read joins the parts by copying everything so far for each one, so more is
    /// refused before it gets there: tens of thousands of tiny parts cost seconds per MB of file (segments² copying).
    /// </summary>
    private const int MaxMetadataParts = 255;

    private static ReadOnlySpan<byte> ExifId => "Exif\0\0"u8;
    private static ReadOnlySpan<byte> XmpId => "http://ns.adobe.com/xap/1.0/\0"u8;
    private static ReadOnlySpan<byte> IccId => "ICC_PROFILE\0"u8;

    public static StructureResult Check(Stream stream)
    {
        var reader = new ByteReader(stream);
        if (reader.ReadByte() != 0xFF || reader.ReadByte() != 0xD8)
            return StructureResult.Corrupt("The file does not start with the JPEG SOI marker (FF D8).");

        Span<byte> lengthBytes = stackalloc byte[2];
        Span<byte> frame = stackalloc byte[6];
        Span<byte> identifier = stackalloc byte[29];
        int exifParts = 0, xmpParts = 0, iccParts = 0;
        var seenFrame = false;
        var scans = 0;
        int? pendingMarker = null;

        while (true)
        {
            int marker;
            long markerOffset;
            if (pendingMarker is { } known)
            {
                marker = known;
                markerOffset = reader.Position - 2;
                pendingMarker = null;
            }
            else
            {
                var read = ReadMarker(reader);
                if (read.StrayBytes > MaxStrayBytes)
                {
                    return StructureResult.Corrupt(
                        $"JPEG has {read.StrayBytes:N0} bytes of unexpected data at offset {read.StrayOffset} where a marker was expected: the file is damaged.");
                }
                if (read.Marker < 0) return EndedBetweenSegments(scans, seenFrame);
                (marker, markerOffset) = (read.Marker, read.Offset);
            }

            switch (marker)
            {
                case 0xD9:
                    if (!seenFrame || scans == 0)
                        return StructureResult.Corrupt("JPEG reaches its EOI marker without any image data (no SOF frame header or no SOS scan): header only.");
                    return StructureResult.Sound(reader.Remaining);
                case 0xD8:
                    return StructureResult.Corrupt($"JPEG has a second SOI marker at offset {markerOffset} outside any segment: the file is damaged.");
                case 0x00:
                    return StructureResult.Corrupt($"JPEG has an invalid marker FF 00 at offset {markerOffset}: the file is damaged.");
                case 0x01 or (>= 0xD0 and <= 0xD7):
                    continue; // TEM and RSTn stand alone: no length.
            }

            if (!reader.TryReadExactly(lengthBytes))
                return StructureResult.Corrupt($"JPEG ends inside the {Name(marker)} segment header at offset {markerOffset}: the file is truncated.");
            var length = (lengthBytes[0] << 8) | lengthBytes[1];
            if (length < 2)
                return StructureResult.Corrupt($"JPEG {Name(marker)} segment at offset {markerOffset} declares an impossible length of {length}: the file is damaged.");
            var body = length - 2;
            if (body > reader.Remaining)
            {
                return StructureResult.Corrupt(
                    $"JPEG {Name(marker)} segment at offset {markerOffset} declares {body:N0} bytes but only {reader.Remaining:N0} remain: the file is truncated.");
            }

            if (IsFrameHeader(marker))
            {
                if (body < 6)
                    return StructureResult.Corrupt($"JPEG {Name(marker)} frame header at offset {markerOffset} is too short ({body} bytes): the file is damaged.");
                reader.TryReadExactly(frame);
                var width = (frame[3] << 8) | frame[4];
                if (width == 0 || frame[5] == 0)
                    return StructureResult.Corrupt($"JPEG {Name(marker)} frame header declares width {width} with {frame[5]} components: the file is damaged.");
                reader.TrySkip(body - 6);
                seenFrame = true;
                continue;
            }

            if (marker is 0xE1 or 0xE2)
            {
                var id = identifier[..Math.Min(body, identifier.Length)];
                reader.TryReadExactly(id);
                var parts = marker == 0xE1 && id.StartsWith(ExifId) ? ++exifParts
                    : marker == 0xE1 && id.StartsWith(XmpId) ? ++xmpParts
                    : marker == 0xE2 && id.StartsWith(IccId) ? ++iccParts
                    : 0;
                if (parts > MaxMetadataParts)
                {
                    return StructureResult.Corrupt(
                        $"JPEG splits one metadata block ({Name(marker)}) over more than {MaxMetadataParts} segments (the {parts}th at offset {markerOffset}): the file is damaged or made to exhaust readers.")
                        with { KeepFromDecoder = true };
                }
                reader.TrySkip(body - id.Length);
                continue;
            }

            reader.TrySkip(body);
            if (marker != 0xDA) continue;

            if (!seenFrame)
                return StructureResult.Corrupt($"JPEG has a scan (SOS) at offset {markerOffset} before any frame header (SOF): the file is damaged.");
            scans++;
            var afterScan = SkipEntropyCodedData(reader);
            if (afterScan is null)
                return StructureResult.Corrupt("JPEG ends inside scan data without an EOI marker (FF D9): the file is truncated.");
            pendingMarker = afterScan;
        }
    }

    /// <summary>A marker (-1 at the end of the file), where it is, and any stray bytes skipped before it.</summary>
    private readonly record struct MarkerRead(int Marker, long Offset, long StrayBytes, long StrayOffset);

    private static MarkerRead ReadMarker(ByteReader reader)
    {
        var offset = reader.Position;
        long stray = 0;
        var first = reader.ReadByte();
        if (first == -1) return new MarkerRead(-1, offset, 0, offset);
        if (first != 0xFF)
        {
            var found = reader.SkipTo(0xFF);
            stray = reader.Position - offset;
            if (!found) return new MarkerRead(-1, reader.Position, stray, offset);
            reader.ReadByte();
        }

        int value;
        do
        {
            value = reader.ReadByte(); // FF FF … is fill before a marker
        } while (value == 0xFF);
        return new MarkerRead(value, reader.Position - 2, stray, offset);
    }

    private static StructureResult EndedBetweenSegments(int scans, bool seenFrame) => StructureResult.Corrupt(scans > 0
        ? "JPEG ends after its last scan without an EOI marker (FF D9): the file is truncated."
        : seenFrame
            ? "JPEG ends after its frame header without any scan data (SOS): header only or truncated."
            : "JPEG ends after its headers without a frame header (SOF) or scan data (SOS): header only or truncated.");

    /// <summary>
    /// Skips entropy-coded data: FF 00 (a stuffed data byte) and RST0–7 belong to the scan; any other marker ends it.
    /// Returns that marker (its bytes consumed), or null when the file ends first.
    /// </summary>
    private static int? SkipEntropyCodedData(ByteReader reader)
    {
        while (reader.SkipTo(0xFF))
        {
            reader.ReadByte();
            int next;
            do
            {
                next = reader.ReadByte();
            } while (next == 0xFF);
            if (next == -1) return null;
            if (next == 0x00 || next is >= 0xD0 and <= 0xD7) continue;
            return next;
        }
        return null;
    }

    private static bool IsFrameHeader(int marker) =>
        marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC);

    private static string Name(int marker) => marker switch
    {
        0xDA => "SOS (FF DA)",
        0xC4 => "DHT (FF C4)",
        0xDB => "DQT (FF DB)",
        0xDD => "DRI (FF DD)",
        0xFE => "COM (FF FE)",
        >= 0xE0 and <= 0xEF => $"APP{marker - 0xE0} (FF {marker:X2})",
        _ when IsFrameHeader(marker) => $"SOF{marker - 0xC0} (FF {marker:X2})",
        _ => $"FF {marker:X2}",
    };
}
