using Preflight.Core.Sniffing;
using static Preflight.Core.Tests.Sniffing.Samples;

namespace Preflight.Core.Tests.Sniffing;

/// <summary>Every detector against its signature and against near misses that must fall through to something else.</summary>
public sealed class DetectorTableTests
{
    private static SniffResult Sniff(byte[] bytes) => FormatSniffer.Default.Sniff(new MemoryStream(bytes));

    public static TheoryData<string, byte[], string, string> Matches => new()
    {
        // ISO base media: the 'ftyp' brands
        { "ftyp isom", Ftyp("isom", "isom", "iso2", "avc1", "mp41"), KnownFormats.Mp4, "'ftyp' at offset 4, major brand 'isom'" },
        { "ftyp mp42", Ftyp("mp42", "isom"), KnownFormats.Mp4, "major brand 'mp42'" },
        { "ftyp M4V", Ftyp("M4V ", "M4V ", "mp42"), KnownFormats.Mp4, "major brand 'M4V '" },
        { "ftyp dash", Ftyp("dash", "iso6"), KnownFormats.Mp4, "major brand 'dash'" },
        { "ftyp qt", Ftyp("qt  ", "qt  "), KnownFormats.Mov, "major brand 'qt  '" },
        { "ftyp M4A", Ftyp("M4A ", "M4A ", "mp42", "isom"), KnownFormats.M4a, "major brand 'M4A '" },
        { "ftyp M4B", Ftyp("M4B "), KnownFormats.M4a, "major brand 'M4B '" },
        { "ftyp M4P", Ftyp("M4P "), KnownFormats.M4a, "major brand 'M4P '" },
        { "ftyp 3gp4", Ftyp("3gp4", "isom", "3gp4"), KnownFormats.ThreeGp, "major brand '3gp4'" },
        { "ftyp 3g2a", Ftyp("3g2a", "3g2a"), KnownFormats.ThreeGp, "major brand '3g2a'" },
        { "ftyp heic", Ftyp("heic", "mif1", "heic"), KnownFormats.Heif, "major brand 'heic'" },
        { "ftyp msf1/hevc", Ftyp("msf1", "msf1", "hevc"), KnownFormats.Heif, "major brand 'msf1'" },
        { "ftyp mif1 without avif", Ftyp("mif1", "mif1", "heic"), KnownFormats.Heif, "major brand 'mif1'" },
        { "ftyp avif", Ftyp("avif", "avif", "mif1", "miaf"), KnownFormats.Avif, "major brand 'avif'" },
        { "ftyp avis", Ftyp("avis", "avis", "msf1"), KnownFormats.Avif, "major brand 'avis'" },
        { "ftyp mif1 + avif", Ftyp("mif1", "mif1", "miaf", "avif"), KnownFormats.Avif, "compatible brand 'avif'" },
        { "ftyp unknown major, compatible isom", Ftyp("zzzz", "zzzz", "isom"), KnownFormats.Mp4, "major brand 'zzzz' (not recognised), compatible brand 'isom'" },
        { "ftyp unknown major, compatible qt", Ftyp("abcd", "qt  "), KnownFormats.Mov, "compatible brand 'qt  '" },
        // QuickTime without ftyp
        { "moov first", Concat(Atom("moov", 100), Atom("mdat", 8)), KnownFormats.Mov, "first atom 'moov' at offset 0" },
        { "mdat first (to end of file)", Concat(BigEndian(0), Ascii("mdat"), new byte[100]), KnownFormats.Mov, "first atom 'mdat'" },
        { "mdat first, truncated", Concat(BigEndian(100_000), Ascii("mdat"), new byte[100]), KnownFormats.Mov, "first atom 'mdat'" },
        { "wide then mdat", Concat(Atom("wide", 0), Atom("mdat", 50), Atom("moov", 20)), KnownFormats.Mov, "followed by atom 'mdat' at offset 8" },
        { "free then moov", Concat(Atom("free", 16), Atom("moov", 16)), KnownFormats.Mov, "first atom 'free'" },
        { "pnot then PICT", Concat(Atom("pnot", 12), Atom("PICT", 30)), KnownFormats.Mov, "first atom 'pnot'" },
        // EBML
        { "EBML webm", Ebml("webm"), KnownFormats.Webm, "EBML DocType 'webm'" },
        { "EBML matroska", Ebml("matroska"), KnownFormats.Mkv, "EBML DocType 'matroska'" },
        // RIFF family
        { "RIFF WAVE", Riff("RIFF", "WAVE"), KnownFormats.Wav, "'RIFF' header with form type 'WAVE' at offset 8" },
        { "RF64 WAVE", Riff("RF64", "WAVE"), KnownFormats.Wav, "'RF64'" },
        { "BW64 WAVE", Riff("BW64", "WAVE"), KnownFormats.Wav, "'BW64'" },
        { "RIFF AVI", Riff("RIFF", "AVI "), KnownFormats.Avi, "form type 'AVI '" },
        { "RIFF WEBP", Riff("RIFF", "WEBP"), KnownFormats.Webp, "form type 'WEBP'" },
        // Other video
        { "FLV", Pad(Concat(Ascii("FLV"), [0x01, 0x05, 0, 0, 0, 9]), 40), KnownFormats.Flv, "'FLV' version 1 header at offset 0" },
        { "TS three packets", TsPackets(3), KnownFormats.MpegTs, "0, 188, 376" },
        { "TS many packets", TsPackets(50), KnownFormats.MpegTs, "0, 188, 376, 564, 752" },
        { "M2TS", TsPackets(10, 192), KnownFormats.MpegTs, "192-byte M2TS packets" },
        // Images
        { "JPEG JFIF", Pad(Concat([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10], Ascii("JFIF")), 64), KnownFormats.Jpeg, "FF D8 FF at offset 0" },
        { "JPEG Exif", Pad([0xFF, 0xD8, 0xFF, 0xE1], 64), KnownFormats.Jpeg, "FF D8 FF" },
        { "PNG", Pad([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], 64), KnownFormats.Png, "PNG signature at offset 0" },
        { "GIF87a", Pad(Ascii("GIF87a"), 32), KnownFormats.Gif, "'GIF87a' at offset 0" },
        { "GIF89a", Pad(Ascii("GIF89a"), 32), KnownFormats.Gif, "'GIF89a' at offset 0" },
        { "BMP info header", Bmp(40), KnownFormats.Bmp, "40-byte BITMAPINFOHEADER" },
        { "BMP core header", Bmp(12), KnownFormats.Bmp, "12-byte BITMAPCOREHEADER" },
        { "BMP v5 header", Bmp(124), KnownFormats.Bmp, "124-byte BITMAPV5HEADER" },
        { "TIFF II", Pad(Concat(Ascii("II*"), [0, 8, 0, 0, 0]), 32), KnownFormats.Tiff, "little-endian 'II'" },
        { "TIFF MM", Pad(Concat(Ascii("MM"), [0, 42, 0, 0, 0, 8]), 32), KnownFormats.Tiff, "big-endian 'MM'" },
        { "BigTIFF", Pad(Concat(Ascii("II+"), [0, 8, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0]), 32), KnownFormats.Tiff, "BigTIFF" },
        { "TGA 2.0 (footer)", Tga(footer: true), KnownFormats.Tga, "TGA 2.0 footer 'TRUEVISION-XFILE.' at the end, 4x2 at 24 bits" },
        { "PBM plain", Utf8("P1\n4 2\n0 1 0 1\n1 0 1 0\n"), KnownFormats.Netpbm, "'P1' at offset 0: plain PBM (bitmap), 4x2" },
        { "PPM with a comment", Concat(Ascii("P6\n# made by hand\n3 1\n255\n"), new byte[9]), KnownFormats.Netpbm, "binary PPM (colour), 3x1" },
        { "PGM, sizes on separate lines", Concat(Ascii("P5 640\n480\n255\n"), new byte[64]), KnownFormats.Netpbm, "binary PGM (greyscale), 640x480" },
        // Audio
        { "MP3 frames", Mp3Frames(3), KnownFormats.Mp3, "two consecutive MPEG-1 Layer III frame headers at offset 0" },
        { "MP3 after ID3v2.3", Concat(Id3(100, version: 3), Mp3Frames(3)), KnownFormats.Mp3, "at offset 110 (after a 110-byte ID3v2.3 tag)" },
        { "FLAC", Pad(Ascii("fLaC"), 64), KnownFormats.Flac, "'fLaC' at offset 0" },
        { "FLAC after ID3v2", Concat(Id3(50), Pad(Ascii("fLaC"), 64)), KnownFormats.Flac, "'fLaC' at offset 60 (after a 60-byte ID3v2.4 tag)" },
        { "Ogg Vorbis", Pad(Concat(Ascii("OggS"), new byte[22], [1], [30], [1], Ascii("vorbis")), 80), KnownFormats.Ogg, "'OggS' page at offset 0 (Vorbis)" },
        { "Ogg Opus", Pad(Concat(Ascii("OggS"), new byte[22], [1], [19], Ascii("OpusHead")), 80), KnownFormats.Ogg, "(Opus)" },
        { "ADTS", AdtsFrames(3), KnownFormats.Aac, "two consecutive ADTS (AAC, 44100 Hz) frame headers at offset 0" },
        { "ADTS after ID3v2", Concat(Id3(20), AdtsFrames(2)), KnownFormats.Aac, "at offset 30 (after a 30-byte ID3v2.4 tag)" },
        // Documents
        { "PDF", Pad(Ascii("%PDF-1.7\n"), 64), KnownFormats.Pdf, "'%PDF-' at offset 0" },
        { "ZIP", Pad(Concat(Ascii("PK"), [3, 4, 20, 0]), 64), KnownFormats.Zip, "local file header" },
        { "empty ZIP", Pad(Concat(Ascii("PK"), [5, 6]), 22), KnownFormats.Zip, "end-of-central-directory" },
        // Text formats
        { "HTML doctype", Utf8("<!DOCTYPE html>\n<html><body>hi</body></html>"), KnownFormats.Html, "'<!DOCTYPE html' at offset 0" },
        { "HTML lower doctype after whitespace", Utf8("\n  <!doctype html><p>x"), KnownFormats.Html, "'<!DOCTYPE html' at offset 3" },
        { "HTML tag", Utf8("<html lang=\"en\"><head></head></html>"), KnownFormats.Html, "HTML tag <html> at offset 0" },
        { "HTML head upper case", Utf8("<HEAD><TITLE>x</TITLE></HEAD>"), KnownFormats.Html, "HTML tag <head>" },
        { "HTML body", Utf8("<body>\nhello</body>"), KnownFormats.Html, "HTML tag <body>" },
        { "HTML script", Utf8("<script>alert(1)</script>"), KnownFormats.Html, "HTML tag <script>" },
        { "HTML title", Utf8("<title>x</title>"), KnownFormats.Html, "HTML tag <title>" },
        { "HTML after comment", Utf8("<!-- generated -->\n<html><body></body></html>"), KnownFormats.Html, "HTML tag <html> at offset 19 after a comment" },
        { "HTML comment then doctype", Utf8("<!-- x -->\n<!DOCTYPE html><html>"), KnownFormats.Html, "'<!DOCTYPE html' at offset 11" },
        { "HTML with BOM", Concat([0xEF, 0xBB, 0xBF], Utf8("<!doctype html><title>é</title>")), KnownFormats.Html, "at offset 3 (after a UTF-8 BOM)" },
        { "XML", Utf8("<?xml version=\"1.0\"?>\n<note><to>x</to></note>"), KnownFormats.Xml, "'<?xml' declaration at offset 0, root element <note> at offset 22" },
        { "XML with doctype subset", Utf8("<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY e \"x>\">]><a/>"), KnownFormats.Xml, "root element <a>" },
        { "XHTML is XML by its declaration", Utf8("<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"/>"), KnownFormats.Xml, "root element <html>" },
        { "SVG", Utf8("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\"/>"), KnownFormats.Svg, "root element <svg> at offset 0" },
        { "SVG after XML declaration", Utf8("<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x.dtd\">\n<!-- by hand -->\n<svg/>"), KnownFormats.Svg, "after an '<?xml' declaration at offset 0" },
        { "SVG prefixed root", Utf8("<?xml version=\"1.0\"?><svg:svg xmlns:svg=\"http://www.w3.org/2000/svg\"/>"), KnownFormats.Svg, "root element <svg:svg>" },
        { "SVG after comment", Utf8("<!-- icon --><svg viewBox=\"0 0 1 1\"></svg>"), KnownFormats.Svg, "root element <svg>" },
        { "JSON object", Utf8("{\"name\": \"x\", \"n\": [1, 2.5, true, null]}"), KnownFormats.Json, "'{' at offset 0 and the whole file parses as JSON" },
        { "JSON array after whitespace", Utf8("\n\n  [1, 2, 3]\n"), KnownFormats.Json, "'[' at offset 4" },
        { "JSON larger than the head", Utf8("[" + string.Join(",", Enumerable.Repeat("\"abcdefghij\"", 2000)) + "]"), KnownFormats.Json, "well-formed JSON so far" },
        { "HLS", Utf8("#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\nseg.ts\n"), KnownFormats.Hls, "'#EXTM3U' at offset 0" },
        { "HLS after BOM and blank line", Concat([0xEF, 0xBB, 0xBF], Utf8("\n#EXTM3U\nfile:///etc/passwd\n")), KnownFormats.Hls, "'#EXTM3U' at offset 4 (after a UTF-8 BOM)" },
        { "HLS lower case", Utf8("#extm3u\nx.ts\n"), KnownFormats.Hls, "'#EXTM3U'" },
        { "ffconcat", Utf8("ffconcat version 1.0\nfile 'a.mp4'\n"), KnownFormats.FfConcat, "'ffconcat version' at offset 0" },
        { "HLS behind an ID3v2 tag", Concat(Id3(20), Utf8("#EXTM3U\nx.ts\n")), KnownFormats.Hls, "'#EXTM3U' at offset 30 (after a 30-byte ID3v2.4 tag)" },
        { "ffconcat behind an ID3v2 tag", Concat(Id3(20), Utf8("ffconcat version 1.0\n")), KnownFormats.FfConcat, "'ffconcat version' at offset 30" },
        { "ASCII text", Utf8("hello world\r\n\tindented\n"), KnownFormats.Text, "ASCII text without control characters (other than tab, CR, LF) in the whole file" },
        { "UTF-8 text", Utf8("grüße, 日本語\n"), KnownFormats.Text, "UTF-8 text" },
        { "UTF-16LE text with BOM", Concat([0xFF, 0xFE], System.Text.Encoding.Unicode.GetBytes("hello\n")), KnownFormats.Text, "UTF-16LE text with BOM" },
        { "text that starts with BM", Utf8("BMW and Mini are car brands.\n"), KnownFormats.Text, "ASCII text" },
        { "text that looks like an atom name", Utf8("abcdfree of charge\n"), KnownFormats.Text, "ASCII text" },
        { "percent PDF without dash", Utf8("%PDF1.4 is not a header\n"), KnownFormats.Text, "ASCII text" },
        { "HTML-ish word", Utf8("<html5ish> is not a tag\n"), KnownFormats.Text, "ASCII text" },
        { "abbr is not a", Utf8("<abbr>x</abbr>\n"), KnownFormats.Text, "ASCII text" },
        { "XML without declaration", Utf8("<note>hi</note>\n"), KnownFormats.Text, "ASCII text" },
        { "comment then prose", Utf8("<!-- c --> then prose\n"), KnownFormats.Text, "ASCII text" },
        { "not JSON in braces", Utf8("{not json}\n"), KnownFormats.Text, "ASCII text" },
        { "unterminated JSON", Utf8("[1, 2"), KnownFormats.Text, "ASCII text" },
        { "JSON then trailing words", Utf8("{\"a\": 1} and more"), KnownFormats.Text, "ASCII text" },
        { "almost HLS", Utf8("#EXTM3\nx\n"), KnownFormats.Text, "ASCII text" },
        { "P1 then words is text", Utf8("P1 is the first priority\n"), KnownFormats.Text, "ASCII text" },
        { "P7 is not Netpbm here", Utf8("P7 640 480\n"), KnownFormats.Text, "ASCII text" },
        { "P3 with a zero width", Utf8("P3 0 4\n255\n"), KnownFormats.Text, "ASCII text" },
        { "almost ffconcat", Utf8("ffconcat vers 1.0\n"), KnownFormats.Text, "ASCII text" },
        { "MM is not TIFF", Utf8("MMMM, tasty.\n"), KnownFormats.Text, "ASCII text" },
    };

    public static TheoryData<string, byte[]> NearMisses => new()
    {
        { "ftyp too small for a brand", Pad(Concat(BigEndian(8), Ascii("ftyp")), 32) },
        { "ftyp with only unknown brands", Ftyp("zzzz", "yyyy") },
        { "EBML with another DocType", Ebml("x-other") },
        { "EBML without DocType", Ebml(null) },
        { "RIFF with an unknown form", Riff("RIFF", "CDXA") },
        { "RF64 that is not WAVE", Riff("RF64", "AVI ") },
        { "FLV version 2", Pad(Concat(Ascii("FLV"), [0x02, 0x05]), 40) },
        { "TS two packets only", TsPackets(2) },
        { "TS third sync wrong", Concat(TsPackets(2), new byte[188]) },
        { "JPEG SOI without marker", Pad([0xFF, 0xD8, 0x00, 0xE0], 64) },
        { "PNG signature one byte off", Pad([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0B], 64) },
        { "GIF88a", Pad(Ascii("GIF88a"), 32) },
        { "BMP with 2 planes", Bmp(40, planes: 2) },
        { "BMP with an odd header size", Bmp(41) },
        { "BMP pixel data beyond end", Concat(Ascii("BM"), new byte[8], LittleEndian(100_000), LittleEndian(40), new byte[30]) },
        { "TIFF with IFD inside the header", Pad(Concat(Ascii("II*"), [0, 4, 0, 0, 0]), 32) },
        { "TGA header without the 2.0 footer", Tga(footer: false) },
        { "fLaX", Pad(Ascii("fLaX"), 64) },
        { "Ogg version 1", Pad(Concat(Ascii("OggS"), [1]), 64) },
        { "ZIP central directory record", Pad(Concat(Ascii("PK"), [1, 2]), 64) },
        { "wide atom followed by binary junk", Concat(Atom("wide", 0), [0x00, 0x00, 0x00, 0x10, 0x01, 0x02, 0x03, 0x04], new byte[16]) },
        { "free atom larger than the file", Concat(BigEndian(1000), Ascii("free"), new byte[16]) },
        { "text with a NUL", Utf8("hello\0world\n") },
        { "text with an escape", Utf8("hello \u001B[31mred\n") },
        { "invalid UTF-8", [(byte)'a', 0xC3, 0x28, (byte)'b'] },
        { "Latin-1 text", [(byte)'c', (byte)'a', (byte)'f', 0xE9, (byte)'\n'] },
        { "ID3 tag with nothing after it", Concat(Id3(100), new byte[500]) },
        { "brace then binary", [(byte)'{', (byte)'"', (byte)'a', 0xFF, 0xFE, 0x00] },
    };

    [Theory]
    [MemberData(nameof(Matches))]
    public void Sniff_Signature_DetectsFormatWithMimeAndBasis(string name, byte[] bytes, string format, string basisFragment)
    {
        var result = Sniff(bytes);

        Assert.True(format == result.Format, $"{name}: expected {format}, got {result.Format} ({result.Basis})");
        Assert.Equal(FormatMimes.MimeOf(format), result.Mime);
        Assert.Contains(basisFragment, result.Basis, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(NearMisses))]
    public void Sniff_NearMiss_IsUnknown(string name, byte[] bytes)
    {
        var result = Sniff(bytes);

        Assert.True(result.Format == KnownFormats.Unknown, $"{name}: expected unknown, got {result.Format} ({result.Basis})");
        Assert.Equal("application/octet-stream", result.Mime);
        Assert.False(string.IsNullOrWhiteSpace(result.Basis));
    }

    [Fact]
    public void Sniff_UnknownBinary_BasisShowsFirstBytes()
    {
        var result = Sniff([0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x01, 0x02, 0x03, 0x04]);

        Assert.Equal(KnownFormats.Unknown, result.Format);
        Assert.Equal("no known signature matched (first bytes DE AD BE EF 00 01 02 03)", result.Basis);
    }

    [Fact]
    public void Sniff_UnrecognisedFtypBrands_BasisNamesTheBrands()
    {
        var result = Sniff(Ftyp("crx ", "crx ", "CR3 "));

        Assert.Equal(KnownFormats.Unknown, result.Format);
        Assert.Contains("unrecognised major brand 'crx '", result.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Sniff_BrandWithControlBytes_EscapesThemInBasis()
    {
        var result = Sniff(Concat(BigEndian(16), Ascii("ftyp"), [0x01, (byte)'\'', 0x0A, (byte)'x'], new byte[4]));

        Assert.Equal(KnownFormats.Unknown, result.Format);
        Assert.Contains(@"'\x01\x27\x0Ax'", result.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Sniff_EmptyStream_IsEmpty()
    {
        var result = Sniff([]);

        Assert.Equal(KnownFormats.Empty, result.Format);
        Assert.Equal("application/x-empty", result.Mime);
    }

    [Fact]
    public void Sniff_EmptyFile_IsEmpty()
    {
        using var dir = new Preflight.TestSupport.TempDir();
        var path = dir.Write("empty.mp4", []);

        Assert.Equal(KnownFormats.Empty, FormatSniffer.Default.Sniff(path).Format);
    }

    [Fact]
    public void Sniff_SeekableStream_SniffsFromStartAndRestoresPosition()
    {
        var stream = new MemoryStream(Pad(Ascii("GIF89a"), 100)) { Position = 37 };

        var result = FormatSniffer.Default.Sniff(stream);

        Assert.Equal(KnownFormats.Gif, result.Format);
        Assert.Equal(37, stream.Position);
    }

    [Fact]
    public void Sniff_NonSeekableStream_UsesHead()
    {
        var result = FormatSniffer.Default.Sniff(new ForwardOnlyStream(Concat(Id3(100), Mp3Frames(4))));

        Assert.Equal(KnownFormats.Mp3, result.Format);
    }

    [Fact]
    public void Sniff_TextLongerThanHead_IsTextAndSaysSo()
    {
        var result = Sniff(Utf8(string.Concat(Enumerable.Repeat("line of text\n", 2000))));

        Assert.Equal(KnownFormats.Text, result.Format);
        Assert.Contains("in the first 8192 bytes", result.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void Sniff_MultiByteCharacterCutByHeadEnd_IsStillText()
    {
        // 'é' is two bytes; an odd-length ASCII prefix puts one of them at the last head byte.
        var bytes = Utf8(new string('a', 8191) + string.Concat(Enumerable.Repeat("é", 100)));

        Assert.Equal(KnownFormats.Text, Sniff(bytes).Format);
    }

    [Fact]
    public void Sniff_DeeplyNestedJson_IsJson()
    {
        var bytes = Utf8(new string('[', 200) + new string(']', 200));

        Assert.Equal(KnownFormats.Json, Sniff(bytes).Format);
    }

    [Fact]
    public void Sniff_RandomBytesOfManySizes_NeverThrows()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var length = new Random(seed).Next(0, 600);
            var result = Sniff(Random(length, seed));
            Assert.NotNull(result.Basis);
        }
    }

    [Fact]
    public void Sniff_TruncatedSignaturesAtEveryLength_NeverThrow()
    {
        byte[][] sources = [Ftyp("isom", "isom"), Ebml("webm"), Riff("RIFF", "WAVE"), Bmp(40), Concat(Id3(40), Mp3Frames(2)),
            AdtsFrames(2), Concat(Atom("wide", 0), Atom("mdat", 8)), Utf8("<?xml version=\"1.0\"?><!DOCTYPE a [<!x>]><svg/>")];
        foreach (var source in sources)
        {
            for (var length = 0; length <= source.Length; length++)
            {
                Assert.NotNull(Sniff(source[..length]).Format);
            }
        }
    }

    /// <summary>A network-like stream: no seeking, no length.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // Short reads on purpose: the sniffer must loop.
            var n = Math.Min(Math.Min(count, 100), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
