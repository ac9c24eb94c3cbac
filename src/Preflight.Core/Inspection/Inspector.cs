using Preflight.Core.Formats;
using Preflight.Core.Probing;
using Preflight.Core.Probing.Video;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Inspection;

/// <summary>
/// The engine: inspects one file for real and returns its report. Every front end (CLI, HTTP, worker) calls this.
/// Bad files never throw: they come back as <c>fail</c> reports. Only a missing tool
/// (<see cref="MissingToolException"/>) or cancellation escapes.
/// </summary>
public sealed class Inspector(MediaTools mediaTools)
{
    private readonly FormatSniffer _sniffer = FormatSniffer.Default;

    public MediaTools MediaTools { get; } = mediaTools;

    public async Task<FileReport> InspectAsync(InspectionRequest request, InspectionOptions options, CancellationToken cancellationToken)
    {
        var profile = options.Profile;
        var fileName = Path.GetFileName(request.DisplayPath.Replace('\\', '/').TrimEnd('/'));
        var declaredKind = request.DeclaredKind ?? profile.KindFromExtension(Path.GetExtension(fileName));

        long size;
        SniffResult sniff;
        FileContents? contents = null;
        try
        {
            // The length of what a read sees: FileInfo.Length of a symbolic link is the link's own few bytes.
            using (var handle = File.OpenHandle(request.FilePath))
            {
                size = RandomAccess.GetLength(handle);
                // A local file not hashed on receipt: read it once, hash that read, and let the sniffer and the
                // structure readers use the same bytes (a received file was hashed and sniffed in its own single pass).
                if (request.Sha256 is null && size is > 0 and <= FileContents.MaxBytes) contents = FileContents.Read(handle, size);
            }
            if (request.Sniff is { } received) sniff = received;
            else if (contents is not null)
            {
                using var stream = contents.OpenRead();
                sniff = _sniffer.Sniff(stream);
            }
            else sniff = _sniffer.Sniff(request.FilePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            contents?.Dispose();
            return new FileReport
            {
                Path = request.DisplayPath,
                Kind = declaredKind,
                Verdict = Verdict.Fail,
                Findings = [Finding.Error(FindingCodes.FileUnreadable, $"The file could not be read: {e.Message}")],
            };
        }

        using (contents)
        {
            return await InspectBytesAsync(request, options, fileName, declaredKind, size, sniff, contents, cancellationToken);
        }
    }

    private async Task<FileReport> InspectBytesAsync(
        InspectionRequest request, InspectionOptions options, string fileName, AssetKind declaredKind, long size, SniffResult sniff,
        FileContents? contents, CancellationToken cancellationToken)
    {
        var profile = options.Profile;
        var findings = new List<Finding>();
        if (size == 0)
        {
            findings.Add(Finding.Error(FindingCodes.FileEmpty, "The file is empty (0 bytes).", actual: "0", limit: "> 0"));
        }

        var sha256 = request.Sha256 ?? contents?.Sha256
            ?? (request.DeferHash ? null : await Hashing.Sha256FileAsync(request.FilePath, cancellationToken));

        // Bytes with no known signature under an accepted extension (an .mp3 of zeros, a JPEG whose header
        // was overwritten) are a damaged file of that format, not some other format: let its structural
        // checker say what is wrong. In-process checkers only — ffprobe never sees unrecognised bytes.
        var promised = profile.LimitsFor(declaredKind)?.FormatForExtension(Path.GetExtension(fileName));
        if (sniff.Format == KnownFormats.Unknown && size > 0 && promised is not null
            && await ProbeAsync(request.FilePath, contents, fileName, promised, deep: false, cancellationToken, inProcessOnly: true) is { HasErrors: true } damaged)
        {
            findings.AddRange(damaged.Findings);
            findings.AddRange(FileRules.Size(profile, declaredKind, fileName, size, media: null));
            return FileReport.Of(request.DisplayPath, declaredKind, sniff, size, sha256, media: null, findings);
        }

        var probe = size == 0 ? null : await ProbeAsync(request.FilePath, contents, fileName, sniff.Format, options.Deep, cancellationToken);
        if (probe is null)
        {
            // Nothing is read beyond what the bytes are: the same findings a verdict from the head alone gives.
            findings.AddRange(HeadVerdict.Findings(profile, declaredKind, fileName, sniff, size, unprobed: true));
            return FileReport.Of(request.DisplayPath, declaredKind, sniff, size, sha256, media: null, findings);
        }

        findings.AddRange(FileRules.Format(profile, declaredKind, fileName, sniff));
        // Limits follow what the bytes are when a kind accepts them (a PNG named .mp4 is still judged as an image).
        var effectiveKind = HeadVerdict.EffectiveKind(profile, sniff.Format, declaredKind);
        var media = probe.Media;
        findings.AddRange(probe.Findings);
        if (!probe.HasErrors)
        {
            findings.AddRange(FileRules.Media(profile, effectiveKind, fileName, probe.Media, options.Plan));
            findings.AddRange(MissingStreams(effectiveKind, sniff.Format, probe.Media));
        }

        findings.AddRange(FileRules.Size(profile, effectiveKind == AssetKind.Unknown ? declaredKind : effectiveKind, fileName, size, media));

        return FileReport.Of(request.DisplayPath, declaredKind, sniff, size, sha256, media, findings);
    }

    /// <summary>
    /// Runs the prober the registry declares for the sniffed format. Formats we do not accept have none and are not
    /// probed at all: in particular ffprobe never sees a playlist, a concat script or anything it might follow to other files.
    /// </summary>
    private async Task<ProbeResult?> ProbeAsync(
        string path, FileContents? contents, string fileName, string format, bool deep, CancellationToken cancellationToken, bool inProcessOnly = false) =>
        FormatRegistry.Find(format)?.Prober is { } prober
            ? await prober.ProbeAsync(new ProbeRequest(path, fileName, format, deep, inProcessOnly, MediaTools) { Contents = contents }, cancellationToken)
            : null;

    private static IEnumerable<Finding> MissingStreams(AssetKind kind, string format, MediaFacts media)
    {
        if (kind == AssetKind.Video && format == KnownFormats.Mp4 && media.VideoCodec is null && media.Width is null)
            yield return Finding.Error(FindingCodes.MediaNoVideoStream, "The MP4 has no video track.");
    }
}
