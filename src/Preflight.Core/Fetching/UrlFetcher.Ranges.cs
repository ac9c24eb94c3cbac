using System.Net.Http.Headers;
using Preflight.Core.Formats;
using Preflight.Core.Formats.Mp4;
using Preflight.Core.Formats.Wav;
using Preflight.Core.Ingest;
using Preflight.Core.Inspection;
using Preflight.Core.Reports;
using Preflight.Core.Sniffing;

namespace Preflight.Core.Fetching;

/// <summary>
/// Range probing: when a server serves byte ranges, an MP4/MOV or WAV is read only as far as its quick check needs.
/// The fetched ranges land at their offsets in a sparse private file as long as the whole body, so the structure
/// readers run unchanged and judge sample tables against the true length. Which bytes they need is learnt by running
/// them over a guarded view of that file: a read of an unfetched byte stops them, that range is fetched, and they run
/// again, until one run reads only fetched bytes. The engine then reads exactly those bytes: same findings as a
/// quick check of the downloaded file.
/// </summary>
public sealed partial class UrlFetcher
{
    /// <summary>Range requests per URL (the first included) before the body is fetched whole.</summary>
    internal const int MaxRangeRequests = 12;

    /// <summary>Bytes read by ranges before the body is fetched whole instead (a 64 MB moov is not worth probing).</summary>
    internal const long ProbeBudgetBytes = 16L * 1024 * 1024;

    private static readonly Mp4Prober Mp4Reader = new();
    private static readonly WavProber WavReader = new();

    // The first request asks for the sniffer's head and, at 256 KB, the whole moov of most faststart files.
    private void HeadRange(HttpRequestMessage request) => request.Headers.Range = new RangeHeaderValue(0, _options.RangeHeadBytes - 1);

    private async Task<FetchResult> RangedAsync(
        HttpResponseMessage response, Uri uri, FetchLimits limits, string targetDirectory, Trace trace, CancellationToken ct)
    {
        if (response.Content.Headers.ContentRange is not { From: 0, To: { } to, Length: { } total, Unit: "bytes" }
            || to >= _options.RangeHeadBytes || to >= total || response.Content.Headers.ContentLength is { } length && length != to + 1
            || IsEncoded(response))
        {
            // A 206 that does not answer what was asked cannot be trusted with any other range: read the body whole.
            response.Dispose();
            return await FetchCoreAsync(uri, limits, targetDirectory, trace, partial: false, ct);
        }

        trace.ContentLength = total;
        var tally = trace.Ranges = new RangeTally { Requests = 1 };
        if (total > limits.MaxBytes) return trace.Fail(UrlFindings.TooLargeDeclared(total, limits));
        var validator = Validator.Of(response, total);

        var head = new byte[to + 1];
        await using (var stream = await response.Content.ReadAsStreamAsync(ct))
        {
            await stream.ReadExactlyAsync(head, ct);
        }
        trace.Spent += head.Length;
        if (HtmlPrefix.Looks(head.AsSpan(0, Math.Min(head.Length, HtmlPrefixLength))))
            return trace.Fail(UrlFindings.ReturnsHtml("the body is an HTML page"));
        if (head.Length == total)
        {
            tally.Complete = true;
            return await IngestAsync(new MemoryStream(head, writable: false), limits, targetDirectory, trace, total, fromNetwork: false, ct);
        }

        var body = SparseBody.Create(NewPath(targetDirectory), total);
        var keep = false;
        try
        {
            await WriteAtAsync(body, 0, head, ct);
            // A format the quick check reads no further than what it is, and that this slot refuses: the report is
            // already that of the whole file (its size is the total from Content-Range), so nothing more is read.
            if (trace.VerdictFromHead is { } decides && SniffHeld(body) is { } known
                && HeadVerdict.ReportFollowsFromHead(known.Format) && decides(known, trace.Source))
            {
                return trace.DecidedByHead(known);
            }

            var budget = Math.Min(limits.MaxBytes, ProbeBudgetBytes);
            while (true)
            {
                var step = DryRun(body);
                if (step.Sniff is { } sniff)
                {
                    keep = true;
                    tally.Complete = false;
                    return new FetchResult(body.Path, total, null, trace.Source, []) { Sniff = sniff, Complete = false };
                }
                if (step.Missing is not { } missing) break;
                // What the reader asked for, stretched to the minimum range but not over bytes already held.
                var end = Math.Min(total, Math.Max(missing.Offset + missing.Count,
                    Math.Min(missing.Offset + _options.MinRangeBytes, body.NextHeld(missing.Offset) ?? total)));
                if (tally.Requests >= MaxRangeRequests || trace.Spent + (end - missing.Offset) > budget) break;
                if (await FetchRangeAsync(body, missing.Offset, end, validator, uri, limits, targetDirectory, trace, ct) is { } ended)
                    return ended;
            }

            // The quick check needs the whole body (another format, ffprobe, a fragmented file with many moofs…).
            foreach (var (start, end) in body.Gaps())
            {
                if (await FetchRangeAsync(body, start, end, validator, uri, limits, targetDirectory, trace, ct) is { } ended)
                    return ended;
            }
            tally.Complete = true;
            var ingested = new IngestedFile(body.Path, total, total,
                await Hashing.Sha256FileAsync(body.Path, ct), FormatSniffer.Default.Sniff(body.Path));
            var whole = Whole(ingested, trace);
            keep = whole.FilePath is not null;
            return whole;
        }
        finally
        {
            if (!keep) TryDelete(body.Path);
        }
    }

    /// <summary>
    /// Fetches [<paramref name="start"/>, <paramref name="end"/>) into <paramref name="body"/>. Null when it arrived;
    /// otherwise the fetch's result: a failure, or the whole body when the server answered the range with a 200.
    /// </summary>
    private async Task<FetchResult?> FetchRangeAsync(
        SparseBody body, long start, long end, Validator validator, Uri uri, FetchLimits limits, string targetDirectory,
        Trace trace, CancellationToken ct)
    {
        var tally = trace.Ranges!;
        // Never more than the size limit in all: ranges that would pass it are not asked for (only a body that
        // changed or a server whose answers contradict each other gets here: every gap is within the total).
        if (trace.Spent + (end - start) > limits.MaxBytes) return trace.Fail(UrlFindings.ReadLimitSpent(limits, trace.Spent));
        tally.Requests++;
        var sent = await SendAsync(uri, request =>
        {
            request.Headers.Range = new RangeHeaderValue(start, end - 1);
            validator.Apply(request);
        }, trace, ct, followUp: true);
        if (sent.Failure is { } failure) return trace.Fail(failure);
        using var response = sent.Response!;
        var status = (int)response.StatusCode;
        if (status == 412) return trace.Fail(UrlFindings.ChangedDuringCheck("the server answers 412 Precondition Failed to the file's own ETag/Last-Modified"));
        if (status == 416) return trace.Fail(UrlFindings.ChangedDuringCheck($"the server no longer has byte {start:N0} (416 Range Not Satisfiable)"));
        if (validator.Differs(response) is { } why) return trace.Fail(UrlFindings.ChangedDuringCheck(why));
        if (status == 200)
        {
            // Ranges ignored (same file: Differs checked it): this answer is the whole body, read as a normal download
            // within what this check may still read.
            return await DownloadAsync(response, limits, targetDirectory, trace, ct);
        }
        // Another 2xx (204 No Content…) is no body at all, and an encoded range holds other bytes than the file's.
        if (status != 206 || response.Content.Headers.ContentRange is not { From: { } from, To: { } to } || from != start || to != end - 1
            || response.Content.Headers.ContentLength is { } length && length != end - start || IsEncoded(response))
        {
            // Not the bytes asked for: nothing this server says about ranges can be trusted. Start over, whole (its
            // connection given back first), within what this check may still read.
            response.Dispose();
            return await FetchCoreAsync(uri, limits, targetDirectory, trace, partial: false, ct);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[64 * 1024];
        for (var at = start; at < end;)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, end - at)), ct);
            if (read == 0) throw new EndOfStreamException("the server sent less than the range it announced");
            await WriteAtAsync(body, at, buffer.AsMemory(0, read), ct);
            at += read;
            trace.Spent += read;
        }
        return null;
    }

    /// <summary>
    /// True when the body is not the file's own bytes (gzip, br…: none is asked for, nothing is decoded): a range of
    /// it cannot be written at the file's offsets.
    /// </summary>
    private static bool IsEncoded(HttpResponseMessage response) =>
        response.Content.Headers.ContentEncoding.Any(e => !e.Equals("identity", StringComparison.OrdinalIgnoreCase));

    private static async Task WriteAtAsync(SparseBody body, long offset, ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        try
        {
            using var handle = File.OpenHandle(body.Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, FileOptions.Asynchronous);
            await RandomAccess.WriteAsync(handle, bytes, offset, ct);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new LocalDiskException(body.Path, ex);
        }
        body.Add(offset, offset + bytes.Length);
    }

    /// <summary>
    /// Runs what the engine's quick check will read (the sniffer, then the MP4 or WAV structure reader) over the
    /// fetched bytes alone. Done when it read nothing else; otherwise the first range it missed, or neither when the
    /// body must be fetched whole (another format, or a check that hands the file to ffprobe).
    /// </summary>
    private static Step DryRun(SparseBody body)
    {
        using var stream = body.OpenGuarded();
        try
        {
            var sniff = FormatSniffer.Default.Sniff(stream);
            if (stream.Missing is { } early) return new(null, early);
            var probe = FormatRegistry.Find(sniff.Format)?.Prober switch
            {
                Mp4FormatProber => Mp4Reader.Probe(stream, "asset.mp4"),
                WavFormatProber => WavReader.Probe(stream, "asset.wav"),
                _ => null,
            };
            if (stream.Missing is { } missing) return new(null, missing);
            // ffprobe reads media data for its answer: it gets the real file.
            return probe is null || probe.NeedsFfprobe && !probe.HasErrors ? new(null, null) : new(sniff, null);
        }
        catch (MissingBytesException)
        {
            return new(null, stream.Missing);
        }
    }

    private readonly record struct Step(SniffResult? Sniff, (long Offset, long Count)? Missing);

    /// <summary>What the fetched bytes are, when the sniffer needed no other byte (else null: not certain yet).</summary>
    private static SniffResult? SniffHeld(SparseBody body)
    {
        using var stream = body.OpenGuarded();
        try
        {
            var sniff = FormatSniffer.Default.Sniff(stream);
            return stream.Missing is null ? sniff : null;
        }
        catch (MissingBytesException)
        {
            return null;
        }
    }

    /// <summary>What the first answer said the file is; every later range must be of the same file.</summary>
    private sealed record Validator(EntityTagHeaderValue? ETag, DateTimeOffset? LastModified, long Total)
    {
        public static Validator Of(HttpResponseMessage response, long total) =>
            new(response.Headers.ETag, response.Content.Headers.LastModified, total);

        public void Apply(HttpRequestMessage request)
        {
            if (ETag is { IsWeak: false } strong)
            {
                request.Headers.IfMatch.Add(strong);
                request.Headers.IfRange = new RangeConditionHeaderValue(strong);
            }
            else if (LastModified is { } date)
            {
                request.Headers.IfUnmodifiedSince = date;
                request.Headers.IfRange = new RangeConditionHeaderValue(date);
            }
        }

        /// <summary>Why <paramref name="response"/> is of another version of the file; null when nothing says so.</summary>
        public string? Differs(HttpResponseMessage response)
        {
            var headers = response.Content.Headers;
            var total = (int)response.StatusCode == 206 ? headers.ContentRange?.Length : headers.ContentLength;
            if (total is { } now && now != Total) return $"its length changed from {Total:N0} to {now:N0} bytes";
            if (ETag is not null && response.Headers.ETag is { } tag && tag.Tag != ETag.Tag)
                return $"its ETag changed from {ETag.Tag} to {tag.Tag}";
            if (LastModified is { } before && headers.LastModified is { } after && after != before)
                return $"its Last-Modified changed from {before:R} to {after:R}";
            return null;
        }
    }
}

/// <summary>How a body was read when ranges were served (or a quick check stopped early): the report's <c>rangeRequests</c> and <c>complete</c>.</summary>
internal sealed class RangeTally
{
    public int Requests { get; set; }

    public bool Complete { get; set; }
}
