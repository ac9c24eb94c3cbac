using System.Text.Json.Nodes;
using FFMpegCore;
using Preflight.Core.Probing.Video;

namespace Preflight.Core.Tests.Probing.Video;

/// <summary>The pure ffprobe → MediaFacts mapping, with hand-built analyses and a JSON fixture (no ffprobe).</summary>
public sealed class FfprobeNormaliserTests
{
    [Fact]
    public void Normalise_VideoAndAudio_MapsFacts()
    {
        var analysis = Analysis("0:00:12.480000",
            Video("h264", 1280, 720, avg: "30000/1001"),
            Audio("aac", sampleRate: "48000", channels: 2));

        var facts = FfprobeNormaliser.Normalise(analysis);

        Assert.Equal(1280, facts.Width);
        Assert.Equal(720, facts.Height);
        Assert.Equal(12.48, facts.DurationSeconds);
        Assert.Equal("h264", facts.VideoCodec);
        Assert.Equal("aac", facts.AudioCodec);
        Assert.Equal(29.97, facts.FrameRate);
        Assert.Equal(48000, facts.SampleRate);
        Assert.Equal(2, facts.Channels);
        Assert.Null(facts.BitDepth);
        Assert.Equal(0, facts.Rotation);
    }

    [Theory]
    [InlineData(-90, 90)]
    [InlineData(90, 270)]
    [InlineData(270, 90)]
    [InlineData(-270, 270)]
    public void Normalise_DisplayMatrixQuarterTurn_SwapsDimensions(int sideDataRotation, int expectedRotation)
    {
        var video = Video("hevc", 1920, 1080);
        video["side_data_list"] = DisplayMatrix(sideDataRotation);

        var facts = FfprobeNormaliser.Normalise(Analysis("1.0", video));

        Assert.Equal(1080, facts.Width);
        Assert.Equal(1920, facts.Height);
        Assert.Equal(expectedRotation, facts.Rotation);
    }

    [Fact]
    public void Normalise_HalfTurn_KeepsDimensions()
    {
        var video = Video("h264", 640, 480);
        video["side_data_list"] = DisplayMatrix(-180.0);

        var facts = FfprobeNormaliser.Normalise(Analysis("1.0", video));

        Assert.Equal(640, facts.Width);
        Assert.Equal(480, facts.Height);
        Assert.Equal(180, facts.Rotation);
    }

    [Fact]
    public void Normalise_LegacyRotateTagOnly_SwapsDimensions()
    {
        var video = Video("h264", 640, 480);
        video["tags"] = new JsonObject { ["rotate"] = "90" };

        var facts = FfprobeNormaliser.Normalise(Analysis("1.0", video));

        Assert.Equal(480, facts.Width);
        Assert.Equal(640, facts.Height);
        Assert.Equal(90, facts.Rotation);
    }

    [Fact]
    public void Normalise_SideDataWithoutDisplayMatrix_IsNotRotated()
    {
        var video = Video("h264", 640, 480);
        video["side_data_list"] = new JsonArray(new JsonObject { ["side_data_type"] = "CPB properties" });

        var facts = FfprobeNormaliser.Normalise(Analysis("1.0", video));

        Assert.Equal(640, facts.Width);
        Assert.Equal(0, facts.Rotation);
    }

    [Fact]
    public void Normalise_CoverArtInMp3_IsNotAVideo()
    {
        var cover = Video("mjpeg", 600, 600);
        cover["disposition"] = new JsonObject { ["default"] = 0, ["attached_pic"] = 1 };

        var facts = FfprobeNormaliser.Normalise(Analysis("3.0", Audio("mp3", "44100", 2), cover));

        Assert.Null(facts.VideoCodec);
        Assert.Null(facts.Width);
        Assert.Null(facts.FrameRate);
        Assert.Equal("mp3", facts.AudioCodec);
    }

    [Theory]
    [InlineData("pcm_s16le", 16, null, 16)]
    [InlineData("pcm_s24le", 24, null, 24)]
    [InlineData("pcm_f32le", 32, null, 32)]
    [InlineData("flac", 0, "24", 24)]
    [InlineData("mp3", 0, null, null)]
    [InlineData("aac", 0, null, null)]
    [InlineData("pcm_s16le", 0, null, null)]
    public void Normalise_BitDepth_OnlyWhereMeaningful(string codec, int bitsPerSample, string? bitsPerRawSample, int? expected)
    {
        var audio = Audio(codec, "44100", 1);
        audio["bits_per_sample"] = bitsPerSample;
        if (bitsPerRawSample is not null)
            audio["bits_per_raw_sample"] = bitsPerRawSample;

        var facts = FfprobeNormaliser.Normalise(Analysis("1.0", audio));

        Assert.Equal(expected, facts.BitDepth);
    }

    [Fact]
    public void Normalise_UnknownAverageFrameRate_FallsBackToRealFrameRate()
    {
        var video = Video("h264", 320, 240, avg: "0/0");
        video["r_frame_rate"] = "25/1";

        var facts = FfprobeNormaliser.Normalise(Analysis("1.0", video));

        Assert.Equal(25, facts.FrameRate);
    }

    [Fact]
    public void Normalise_NoFormatDuration_UsesLongestStream()
    {
        var video = Video("h264", 320, 240);
        video["duration"] = "0:00:04.000000";
        var audio = Audio("aac", "48000", 2);
        audio["duration"] = "4.5";

        var facts = FfprobeNormaliser.Normalise(Analysis("N/A", video, audio));

        Assert.Equal(4.5, facts.DurationSeconds);
    }

    [Fact]
    public void Normalise_NoStreams_IsEmptyButKeepsDuration()
    {
        var facts = FfprobeNormaliser.Normalise(Analysis("2.0"));

        Assert.Null(facts.Width);
        Assert.Null(facts.VideoCodec);
        Assert.Null(facts.AudioCodec);
        Assert.Null(facts.Rotation);
        Assert.Equal(2.0, facts.DurationSeconds);
    }

    [Fact]
    public void Normalise_ZeroOrMissingValues_BecomeNull()
    {
        var video = Video("h264", 0, 0, avg: "0/0");
        video["r_frame_rate"] = "0/0";
        var audio = Audio("aac", "0", 0);

        var facts = FfprobeNormaliser.Normalise(Analysis(null, video, audio));

        Assert.Null(facts.Width);
        Assert.Null(facts.Height);
        Assert.Null(facts.FrameRate);
        Assert.Null(facts.SampleRate);
        Assert.Null(facts.Channels);
        Assert.Null(facts.DurationSeconds);
    }

    [Fact]
    public void Normalise_PortraitPhoneClipJson_ReportsDisplayedPortrait()
    {
        // Shape of `ffprobe -print_format json -show_format -sexagesimal -show_streams` for a phone clip.
        const string json = """
            {
              "streams": [
                { "index": 0, "codec_name": "hevc", "codec_type": "video", "width": 1920, "height": 1080,
                  "r_frame_rate": "30/1", "avg_frame_rate": "30/1", "duration": "0:00:07.500000",
                  "disposition": { "default": 1, "attached_pic": 0 },
                  "tags": { "language": "und", "handler_name": "Core Media Video" },
                  "side_data_list": [ { "side_data_type": "Display Matrix",
                      "displaymatrix": "\n00000000:            0       65536           0\n00000001:       -65536           0           0\n00000002:            0           0  1073741824\n",
                      "rotation": -90 } ] },
                { "index": 1, "codec_name": "aac", "codec_type": "audio", "sample_rate": "44100", "channels": 2,
                  "bits_per_sample": 0, "r_frame_rate": "0/0", "avg_frame_rate": "0/0", "duration": "0:00:07.500000",
                  "disposition": { "default": 1, "attached_pic": 0 } }
              ],
              "format": { "filename": "input.mov", "nb_streams": 2, "format_name": "mov,mp4,m4a,3gp,3g2,mj2",
                          "duration": "0:00:07.500000", "size": "1000", "probe_score": 100 }
            }
            """;

        var facts = FfprobeNormaliser.Normalise(FfprobeRun.Parse(json));

        Assert.Equal(1080, facts.Width);
        Assert.Equal(1920, facts.Height);
        Assert.Equal(90, facts.Rotation); // iPhone portrait: turn 90° clockwise to display
        Assert.Equal("hevc", facts.VideoCodec);
        Assert.Equal(30, facts.FrameRate);
        Assert.Equal(7.5, facts.DurationSeconds);
        Assert.Equal(44100, facts.SampleRate);
        Assert.Equal(2, facts.Channels);
    }

    [Theory]
    [InlineData("0:00:02.500000", 2.5)]
    [InlineData("1:02:03.5", 3723.5)]
    [InlineData("12.25", 12.25)]
    [InlineData("0.0004", 0.0)]
    [InlineData("N/A", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    [InlineData("abc", null)]
    [InlineData("-1", null)]
    [InlineData("1:-5:00", null)]
    public void ParseDuration_Cases(string? text, double? expected)
    {
        Assert.Equal(expected, FfprobeNormaliser.ParseDuration(text));
    }

    [Theory]
    [InlineData("25/1", 25.0)]
    [InlineData("30000/1001", 29.97)]
    [InlineData("24", 24.0)]
    [InlineData("0/0", null)]
    [InlineData("25/0", null)]
    [InlineData("1/2/3", null)]
    [InlineData("x/y", null)]
    [InlineData(null, null)]
    public void ParseRate_Cases(string? text, double? expected)
    {
        Assert.Equal(expected, FfprobeNormaliser.ParseRate(text));
    }

    [Theory]
    [InlineData("ffprobe version 5.1.9-0+deb12u1 Copyright (c) 2007-2026 the FFmpeg developers", "5.1.9-0+deb12u1")]
    [InlineData("ffprobe version n7.1", "n7.1")]
    [InlineData("something else", "something else")]
    public void VersionOf_FirstLine_ExtractsVersion(string line, string expected)
    {
        Assert.Equal(expected, FfmpegToolset.VersionOf("ffprobe", line));
    }

    // Analyses are built the way ffprobe delivers them: as JSON.
    private static FfprobeOutput Analysis(string? duration, params JsonObject[] streams)
    {
        var format = new JsonObject { ["filename"] = "input.mp4", ["format_name"] = "test" };
        if (duration is not null)
            format["duration"] = duration;
        var root = new JsonObject
        {
            ["streams"] = new JsonArray(streams.Select(s => (JsonNode)s).ToArray()),
            ["format"] = format,
        };
        return FfprobeRun.Parse(root.ToJsonString());
    }

    private static JsonObject Video(string codec, int width, int height, string avg = "25/1") => new()
    {
        ["codec_type"] = "video",
        ["codec_name"] = codec,
        ["width"] = width,
        ["height"] = height,
        ["avg_frame_rate"] = avg,
        ["r_frame_rate"] = avg,
    };

    private static JsonObject Audio(string codec, string sampleRate, int channels) => new()
    {
        ["codec_type"] = "audio",
        ["codec_name"] = codec,
        ["sample_rate"] = sampleRate,
        ["channels"] = channels,
    };

    private static JsonArray DisplayMatrix(JsonNode rotation) =>
        [new JsonObject { ["side_data_type"] = "Display Matrix", ["rotation"] = rotation }];
}
