using NAudio.Wave;
using Preflight.Core.Probing;
using Preflight.Core.Reports;

namespace Preflight.Core.Formats.Mp3;

/// <summary>
/// Quick MP3 probe by frame walking (NAudio's <c>Mp3FileReader</c> needs Windows ACM, so it is not used):
/// skips ID3v2 at the start and ID3v1/APEv2/Lyrics3 at the end, then walks every frame. Never throws for a bad file.
/// </summary>
public sealed class Mp3Prober
{
    public ProbeResult Probe(string path)
    {
        try
        {
            // Unbuffered: the frame walk reads through its own window buffer.
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            var (audioStart, tagProblem) = Mp3Tags.SkipId3v2(file);
            if (tagProblem is not null) return ProbeResult.Corrupt(tagProblem);

            var audioEnd = Mp3Tags.AudioEnd(file, audioStart);
            var walk = Mp3FrameWalk.Run(file, audioStart, audioEnd);
            var media = walk.AudioFrames == 0
                ? MediaFacts.Empty
                : new MediaFacts
                {
                    AudioCodec = walk.Layer switch { MpegLayer.Layer1 => "mp1", MpegLayer.Layer2 => "mp2", _ => "mp3" },
                    SampleRate = walk.SampleRate,
                    Channels = walk.Channels,
                    DurationSeconds = Math.Round(walk.Seconds, 3),
                };
            return walk.Corruption is null
                ? new ProbeResult(media, [])
                : new ProbeResult(media, [Finding.Error(FindingCodes.FileCorrupt, walk.Corruption)]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ProbeResult(MediaFacts.Empty,
                [Finding.Error(FindingCodes.FileUnreadable, $"The file could not be read: {e.Message}")]);
        }
    }
}
