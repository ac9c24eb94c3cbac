using Preflight.Core.Remediation;
using Preflight.Core.Reports;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Bmp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.Formats.Tiff;
using SixLabors.ImageSharp.Formats.Webp;
using SixLabors.ImageSharp.PixelFormats;

namespace Preflight.Core.Tests.Remediation;

public sealed class ImageFixTests(FixHarness h) : IClassFixture<FixHarness>
{
    [Theory]
    [InlineData("pic.webp")]
    [InlineData("pic.bmp")]
    [InlineData("pic.tiff")]
    [InlineData("pic.gif")]
    public async Task Fix_ImageFormatNotAccepted_ConvertedToPng(string name)
    {
        var input = Save(name, Gradient(64, 48));
        var (fix, output) = await h.FixAndKeepAsync(input);

        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        Assert.Equal(FixOps.ImageConvert, fix.Operations[0].Op);
        Assert.Equal(".png", Path.GetExtension(output));
        Assert.Equal((64, 48), (fix.After!.Media!.Width, fix.After.Media.Height));
    }

    [Theory]
    [InlineData("pic.tga", "-c:v targa")]
    [InlineData("pic.ppm", "-c:v ppm")]
    [InlineData("pic.pgm", "-c:v pgm -pix_fmt gray")]
    public async Task Fix_TgaAndNetpbm_ConvertedToPng(string name, string encoder)
    {
        var input = h.Generate(name, $"-f lavfi -i testsrc=s=64x48 -frames:v 1 {encoder} -f image2");
        var (fix, output) = await h.FixAndKeepAsync(input);

        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        Assert.Equal([FixOps.ImageConvert], fix.Operations.Select(o => o.Op));
        Assert.Equal(".png", Path.GetExtension(output));
        Assert.Equal((64, 48), (fix.After!.Media!.Width, fix.After.Media.Height));
    }

    [Fact]
    public async Task Fix_PlainTextPpm_ConvertedToPngWithItsPixels()
    {
        // ASCII all the way: it must be recognised before the text detector calls it text.
        var input = h.Write("tiny.ppm", System.Text.Encoding.ASCII.GetBytes("P3\n# two pixels\n2 1\n255\n255 0 0   0 0 255\n"));
        var (fix, output) = await h.FixAndKeepAsync(input);

        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        using var png = Image.Load<Rgba32>(output!);
        Assert.Equal((2, 1), (png.Width, png.Height));
        Assert.Equal(new Rgba32(255, 0, 0), png[0, 0]);
        Assert.Equal(new Rgba32(0, 0, 255), png[1, 0]);
    }

    [Fact]
    public async Task Fix_AnimatedGif_FirstFrameKept()
    {
        using var gif = new Image<Rgba32>(32, 32, Color.Red);
        gif.Frames.AddFrame(new Image<Rgba32>(32, 32, Color.Blue).Frames.RootFrame);
        var input = Save("anim.gif", gif);

        var (fix, output) = await h.FixAndKeepAsync(input);

        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        Assert.Contains(fix.Operations, o => o.Detail.Contains("first of 2 frames"));
        using var png = Image.Load<Rgba32>(output!);
        Assert.Equal(Color.Red.ToPixel<Rgba32>(), png[5, 5]);
    }

    [Fact]
    public async Task Fix_PngOver2K_DownscaledKeepingAspect()
    {
        var input = Save("wide.png", Gradient(3000, 1000));
        var (fix, output) = await h.FixAndKeepAsync(input);

        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        Assert.Equal([FixOps.ImageScale], fix.Operations.Select(o => o.Op));
        Assert.Equal(".png", Path.GetExtension(output));
        Assert.Equal((2047, 682), (fix.After!.Media!.Width, fix.After.Media.Height));
    }

    [Theory]
    [InlineData("wide.webp")]
    [InlineData("wide.bmp")]
    [InlineData("wide.tiff")]
    public async Task Fix_Over2KInAFormatTheCheckDoesNotOpen_ConvertedAndDownscaled(string name)
    {
        // The check recognises these formats but does not read their size, so the converter measures the picture.
        var input = Save(name, Gradient(3000, 1000));
        var (fix, output) = await h.FixAndKeepAsync(input);

        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        Assert.Equal([FixOps.ImageConvert, FixOps.ImageScale], fix.Operations.Select(o => o.Op));
        Assert.Contains("3000x1000 → 2047x682", fix.Operations[1].Detail);
        Assert.Equal(".png", Path.GetExtension(output));
        Assert.Equal((2047, 682), (fix.After!.Media!.Width, fix.After.Media.Height));
    }

    [Fact]
    public async Task Fix_PhotoTooLargeAsPng_WrittenAsJpeg()
    {
        var input = Save("photo.webp", Noise(400, 300));
        var limit = 150_000; // the noise PNG is ~480 KB, a JPEG of it far less
        var (fix, output) = await h.FixAndKeepAsync(input, new FixOptions { Profile = FixHarness.WithMaxBytes("image", limit) });

        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        Assert.Equal(".jpg", Path.GetExtension(output));
        Assert.Contains(fix.Operations, o => o.Detail.Contains("JPEG"));
        Assert.True(new FileInfo(output!).Length <= limit);
    }

    [Fact]
    public async Task Fix_PngNamedJpg_WrittenUnchangedAsPng()
    {
        var png = Save("real.png", Gradient(20, 20));
        var input = h.Copy(png, "named.jpg");

        var (fix, output) = await h.FixAndKeepAsync(input);

        Assert.True(fix.Status == FixStatus.Fixed, fix.Reason);
        Assert.Equal([FixOps.Rename], fix.Operations.Select(o => o.Op));
        Assert.Equal(".png", Path.GetExtension(output));
        Assert.Equal(File.ReadAllBytes(input), File.ReadAllBytes(output!));
    }

    [Fact]
    public async Task Fix_TruncatedPng_NotFixable()
    {
        var bytes = File.ReadAllBytes(Save("whole.png", Noise(50, 50)));
        var input = h.Write("cut.png", bytes[..(bytes.Length / 2)]);

        var (fix, output) = await h.FixAndKeepAsync(input, new FixOptions { Salvage = true });
        Assert.Equal(FixStatus.NotFixable, fix.Status);
        Assert.Contains("damaged", fix.Reason);
        Assert.Null(output);
    }

    private string Save(string name, Image<Rgba32> image)
    {
        var path = Path.Combine(h.Folder, name);
        using var stream = File.Create(path);
        switch (Path.GetExtension(name))
        {
            case ".webp": image.Save(stream, new WebpEncoder { FileFormat = WebpFileFormatType.Lossless }); break;
            case ".bmp": image.Save(stream, new BmpEncoder()); break;
            case ".tiff": image.Save(stream, new TiffEncoder()); break;
            case ".gif": image.Save(stream, new GifEncoder()); break;
            default: image.Save(stream, new PngEncoder()); break;
        }
        return path;
    }

    private static Image<Rgba32> Gradient(int w, int h)
    {
        var image = new Image<Rgba32>(w, h);
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
            image[x, y] = new Rgba32((byte)(x * 255 / w), (byte)(y * 255 / h), 128);
        return image;
    }

    private static Image<Rgba32> Noise(int w, int h)
    {
        var random = new Random(7);
        var image = new Image<Rgba32>(w, h);
        for (var y = 0; y < h; y++)
        for (var x = 0; x < w; x++)
            image[x, y] = new Rgba32((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
        return image;
    }
}
