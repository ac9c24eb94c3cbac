using Preflight.Core.Probing;
using Preflight.Core.Reports;

namespace Preflight.Core.Formats.Mp3;

/// <summary>
/// Quick MP3 probe by frame walking (<see cref="Mp3FrameWalk"/>; NAudio's <c>Mp3FileReader</c> needs Windows ACM):
/// skips ID3v2 at the start and ID3v1/APEv2/Lyrics3 at the end, then walks every frame. Never throws for a bad file.
/// </summary>
public sealed class Mp3Prober
{
    // Unbuffered: the frame walk reads through its own window buffer.
    /// <param name="displayName">The name fix commands should use (an upload's own name, not its temp file's).</param>
    public ProbeResult Probe(string path, string? displayName = null) =>
        Probe(() => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0), displayName ?? Path.GetFileName(path));

    /// <summary>Reads the stream <paramref name="open"/> gives (the inspector's in-memory copy, so the file is read once).</summary>
    internal ProbeResult Probe(Func<Stream> open, string displayName)
    {
        try
        {
            using var file = open();
            var (audioStart, tagProblem) = Mp3Tags.SkipId3v2(file);
            if (tagProblem is not null) return ProbeResult.Corrupt(tagProblem);

            var audioEnd = Mp3Tags.AudioEnd(file, audioStart);
            var gap = audioStart > 0 ? Mp3Tags.GapAfterTag(file, audioStart, audioEnd) : null;
            var walk = Mp3FrameWalk.Run(file, gap ?? audioStart, audioEnd);
            var media = walk.AudioFrames == 0
                ? MediaFacts.Empty
                : new MediaFacts
                {
                    AudioCodec = walk.Layer switch { 1 => "mp1", 2 => "mp2", _ => "mp3" },
                    SampleRate = walk.SampleRate,
                    Channels = walk.Channels,
                    DurationSeconds = Math.Round(walk.Seconds, 3),
                };
            List<Finding> findings = walk.Corruption is null ? [] : [Finding.Error(FindingCodes.FileCorrupt, walk.Corruption)];
            if (gap is { } firstFrame)
            {
                // The frames are whole and ffmpeg plays them; only the tag's size is off (issue 10, defect 7).
                findings.Add(Finding.Warning(FindingCodes.FileHeaderMismatch,
                    $"The ID3v2 tag says it ends at byte {audioStart:N0}, but the first MPEG audio frame starts at byte {firstFrame:N0}: " +
                    $"the {firstFrame - audioStart:N0} bytes in between belong to neither (bytes inserted into the tag, padding its size does not count, or a wrong size field). " +
                    "Players skip them; a remux rewrites the tag.",
                    actual: $"{firstFrame - audioStart:N0} bytes between tag and audio", limit: "0",
                    fix: Rules.FixCommands.RemuxMp3(displayName)));
            }
            return new ProbeResult(media, findings);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ProbeResult(MediaFacts.Empty,
                [Finding.Error(FindingCodes.FileUnreadable, $"The file could not be read: {e.Message}")]);
        }
    }
}
