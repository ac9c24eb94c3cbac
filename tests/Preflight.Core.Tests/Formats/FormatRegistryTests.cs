using Preflight.Core.Formats;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Tests.Formats;

public sealed class FormatRegistryTests
{
    [Fact]
    public void EveryFormat_HasIdNameMimeFamilyAndExtensions()
    {
        foreach (var format in FormatRegistry.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(format.Id));
            Assert.False(string.IsNullOrWhiteSpace(format.DisplayName));
            Assert.Contains('/', format.Mime);
            Assert.True(Enum.IsDefined(format.Family), format.Id);
            if (format.Id != KnownFormats.Empty) Assert.NotEmpty(format.Extensions);
            Assert.All(format.Extensions, e => Assert.Matches("^\\.[a-z0-9]+$", e));
        }
    }

    [Fact]
    public void Ids_AndClaimedMimeTypes_AreUnique()
    {
        var ids = FormatRegistry.All.Select(f => f.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        var claimed = FormatRegistry.All.SelectMany(f => f.ClaimedBy).ToList();
        Assert.Equal(claimed.Count, claimed.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [Fact]
    public void Extensions_AreUniqueWithinEachKind()
    {
        foreach (var kind in FormatRegistry.All.GroupBy(f => f.Family))
        {
            var extensions = kind.SelectMany(f => f.Extensions).ToList();
            Assert.Equal(extensions.Count, extensions.Distinct().Count());
        }
    }

    [Fact]
    public void EveryKnownFormatConstant_IsDeclared_ExceptUnknown()
    {
        var constants = typeof(KnownFormats).GetFields().Select(f => (string)f.GetRawConstantValue()!).ToList();
        var declared = FormatRegistry.All.Select(f => f.Id).ToHashSet();
        Assert.Equal(constants.Where(c => c != KnownFormats.Unknown).Order(), declared.Order());
        Assert.Null(FormatRegistry.Find(KnownFormats.Unknown));
    }

    [Fact]
    public void EveryExtensionTheProfileAccepts_IsOneItsFormatDeclares_AndItsFormatHasAProber()
    {
        var profile = Profile.LoadBuiltIn("heygen");
        foreach (var kind in new[] { AssetKind.Video, AssetKind.Image, AssetKind.Audio })
        {
            foreach (var (extension, id) in profile.LimitsFor(kind)!.Extensions!)
            {
                var format = FormatRegistry.Find(id);
                Assert.NotNull(format);
                Assert.Contains(extension, format.Extensions);
                Assert.Equal(kind, format.Family);
                Assert.NotNull(format.Prober);
            }
        }
    }

    [Fact]
    public void DetectorOrder_IsUnchanged()
    {
        // The order is a behaviour (the first detector that answers wins): change it only on purpose.
        string[] expected =
        [
            "IsoBmffDetector", "EbmlDetector", "RiffDetector", "W64Detector", "PngDetector", "JpegDetector", "GifDetector",
            "TiffDetector", "BmpDetector", "TgaDetector", "FlvDetector", "PdfDetector", "ZipDetector", "OggDetector", "FlacDetector",
            "Mp3Detector", "Mp2Detector", "AdtsDetector", "Id3OrphanDetector", "MpegTsDetector", "QuickTimeAtomDetector",
            "HlsDetector", "FfConcatDetector", "MarkupDetector", "JsonDetector", "NetpbmDetector", "TextDetector",
        ];
        Assert.Equal(expected, FormatRegistry.Detectors.Select(d => d.GetType().Name));
    }

    [Fact]
    public void OnlyAcceptedFormats_ReachFfmpeg_AndOnlyWithAForcedDemuxer()
    {
        var opened = FormatRegistry.All.Where(f => f.Ffmpeg is not null).Select(f => f.Id).Order();
        // JPEG since issue 10: --deep decodes it with ffmpeg (jpeg_pipe forced), ImageSharp conceals damaged scans.
        Assert.Equal([KnownFormats.ThreeGp, KnownFormats.Jpeg, KnownFormats.M4a, KnownFormats.Mov, KnownFormats.Mp3, KnownFormats.Mp4, KnownFormats.Wav], opened);
    }
}
