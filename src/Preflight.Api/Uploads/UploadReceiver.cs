using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Preflight.Api.Hosting;
using Preflight.Core.Ingest;
using Preflight.Core.Inspection;
using Preflight.Core.Reports;
using Preflight.Core.Rules;

namespace Preflight.Api.Uploads;

/// <summary>One received <c>file</c> part, on disk under a generated name.</summary>
/// <param name="DisplayName">The client's file name: only ever the report's <c>path</c>, never a path on disk.</param>
/// <param name="DeclaredKind">The kind its name declares, decided once here.</param>
internal sealed record ReceivedFile(string DisplayName, IngestedFile Ingested, AssetKind DeclaredKind)
{
    public string FilePath => Ingested.FilePath;

    public long Bytes => Ingested.Bytes;

    public string Sha256 => Ingested.Sha256!;
}

/// <summary>The parts of one request in a private folder that disappears when the batch is disposed.</summary>
internal sealed class UploadBatch(PrivateTempFolder folder) : IDisposable
{
    public PrivateTempFolder Folder => folder;

    public List<ReceivedFile> Files { get; } = [];

    public void Dispose() => folder.Dispose();
}

/// <summary>
/// Streams <c>multipart/form-data</c> parts named <c>file</c> to private temp files, hashing and counting as the
/// bytes arrive: memory stays at one buffer whatever the upload size. The whole body is counted too, because the
/// in-memory test server (and any proxy in front) may not enforce Kestrel's limit.
/// </summary>
internal sealed class UploadReceiver(IOptions<UploadOptions> options, Profile profile, ILogger<UploadReceiver> logger)
{
    public const string PartName = "file";
    private readonly UploadOptions _options = options.Value;

    /// <summary>The largest kind's limit plus multipart overhead, unless configured explicitly.</summary>
    public long BodyLimit => BodyLimitFor(profile);

    /// <summary>The body limit under <paramref name="rules"/> (a request's ?profile=).</summary>
    public long BodyLimitFor(Profile rules) => _options.MaxBodyBytes > 0
        ? _options.MaxBodyBytes
        : rules.LargestMaxBytes + _options.MultipartOverheadBytes;

    /// <param name="selected">The request's profile (?profile=); null = the service's.</param>
    /// <param name="verdictFromHead">
    /// A part whose first bytes already fail it, in a format the engine reads no further (HTML named .mp4, a PDF, a
    /// ZIP…), keeps only those bytes on disk: the rest is read and hashed, never written (<see cref="IngestedFile.HeadOnly"/>).
    /// Off for callers that need every file whole (fixes).
    /// </param>
    public async Task<UploadBatch> ReceiveAsync(HttpRequest request, CancellationToken cancellationToken, Profile? selected = null, bool verdictFromHead = false)
    {
        var rules = selected ?? profile;
        var boundary = BoundaryOf(request);
        var limit = BodyLimitFor(rules);
        if (request.ContentLength > limit) throw TooLarge(request, limit);

        // Kestrel stops reading at this limit by itself; the counting stream below does the same everywhere else.
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = limit;

        var batch = new UploadBatch(CreateFolder(_options, logger));
        var body = new CountingLimitStream(request.Body, limit);
        try
        {
            var reader = new MultipartReader(boundary, body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                // A header that is there but cannot be read may be a file part: skipping it would answer for fewer
                // files than were sent (all passing, say, while the unread one would fail).
                if (!string.IsNullOrWhiteSpace(section.ContentDisposition) && !ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out _))
                {
                    throw RequestProblemException.BadRequest(
                        $"The multipart body is malformed: a part's Content-Disposition header cannot be read ({Log.Escape(section.ContentDisposition, 200)}). " +
                        "Quote the file name: form-data; name=\"file\"; filename=\"…\".");
                }
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !string.Equals(HeaderUtilities.RemoveQuotes(disposition.Name).Value, PartName, StringComparison.Ordinal))
                {
                    await section.Body.CopyToAsync(Stream.Null, cancellationToken);
                    continue;
                }
                if (batch.Files.Count >= _options.MaxFiles)
                    throw RequestProblemException.BadRequest($"At most {_options.MaxFiles} file parts are accepted per request.");

                var file = await ReceivePartAsync(section, disposition, batch, rules, verdictFromHead, cancellationToken);
                batch.Files.Add(file);
                Log.UploadReceived(logger, Log.Escape(file.DisplayName), file.Bytes, file.Sha256[..12]);
            }

            if (batch.Files.Count == 0)
                throw RequestProblemException.BadRequest($"The request has no multipart part named '{PartName}'. Send each file as a part named '{PartName}' with a file name.");
            return batch;
        }
        catch (BodyTooLargeException)
        {
            batch.Dispose();
            throw TooLarge(request, limit);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            batch.Dispose();
            throw TooLarge(request, limit);
        }
        catch (BadHttpRequestException e)
        {
            batch.Dispose();
            Log.UploadAborted(logger, body.BytesRead);
            throw new RequestProblemException(e.StatusCode, "Bad request", "The request body could not be read: " + e.Message);
        }
        catch (InvalidDataException e)
        {
            batch.Dispose();
            throw RequestProblemException.BadRequest("The multipart body is malformed: " + e.Message);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // Client abort or request timeout: nobody may be listening, but the temp files still go.
            batch.Dispose();
            Log.UploadAborted(logger, body.BytesRead);
            throw;
        }
        catch (IOException e) when (e is not LocalDiskException)
        {
            // The client is still there: its body ended before the closing boundary.
            batch.Dispose();
            throw RequestProblemException.BadRequest("The multipart body ended early or is malformed: " + e.Message);
        }
        catch
        {
            batch.Dispose();
            throw;
        }
    }

    private async Task<ReceivedFile> ReceivePartAsync(MultipartSection section, ContentDispositionHeaderValue disposition,
        UploadBatch batch, Profile rules, bool verdictFromHead, CancellationToken cancellationToken)
    {
        var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value;
        if (string.IsNullOrEmpty(fileName)) fileName = HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
        if (string.IsNullOrWhiteSpace(fileName)) fileName = "upload";

        var kind = rules.KindFromExtension(Path.GetExtension(fileName));
        // A generated name: the client's name never touches the file system (nor ffprobe's argument list).
        var limits = new IngestLimits(rules.SizeLimitFor(kind).Limits.MaxBytes.Value);
        if (verdictFromHead)
        {
            // Only where the report then is exactly the engine's: formats it does not read beyond what they are.
            limits = limits with
            {
                DecidedByHead = sniff => HeadVerdict.ReportFollowsFromHead(sniff.Format) && HeadVerdict.Fails(rules, kind, fileName, sniff),
            };
        }
        var ingested = await Ingestor.ReceiveAsync(section.Body, batch.Folder.NewFilePath("upload"), limits, cancellationToken);
        return new ReceivedFile(fileName, ingested, kind);
    }

    /// <summary>One request's private folder under the configured temp root.</summary>
    public static PrivateTempFolder CreateFolder(UploadOptions options, ILogger logger) =>
        PrivateTempFolder.Create(options.ResolvedTempFolder, "", (path, e) => Log.TempCleanupFailed(logger, path, e));

    private static string BoundaryOf(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !string.Equals(contentType.MediaType.Value, "multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw RequestProblemException.UnsupportedMediaType(
                $"Send files as multipart/form-data with parts named '{PartName}' (got '{Log.Escape(request.ContentType, 100).Trim('"')}').");
        }
        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > 70)
            throw RequestProblemException.BadRequest("The multipart/form-data content type has no valid boundary.");
        return boundary;
    }

    private RequestProblemException TooLarge(HttpRequest request, long limit)
    {
        Log.UploadTooLarge(logger, limit);
        // Do not let the server drain the rest of an oversized body after answering.
        request.HttpContext.Response.Headers.Connection = "close";
        return RequestProblemException.TooLarge(
            $"The request body is over the limit of {limit} bytes (the largest file kind's limit plus multipart overhead). Reading stopped there.");
    }
}
