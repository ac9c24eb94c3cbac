using System.Text.Json;
using System.Text.Json.Serialization;
using Preflight.Api.Endpoints;
using Preflight.Core.Jobs;
using Preflight.Core.Reports;
using Preflight.Core.Rules;

namespace Preflight.Api.Hosting;

/// <summary>
/// Build-time JSON metadata of everything the HTTP face reads or writes, so the service needs no reflection-based
/// serialisation (Native AOT has none). It is the app's only resolver besides the framework's own contexts
/// (problem details, OpenAPI): a type missing here fails in the ordinary tests, not only in the AOT binary.
/// Naming, null handling and escaping come from the app's <c>HttpJsonOptions</c> (the report settings).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
// Responses.
[JsonSerializable(typeof(CheckReport))]
[JsonSerializable(typeof(JobReport))]
[JsonSerializable(typeof(ProfilesResponse))]
[JsonSerializable(typeof(Profile))]
[JsonSerializable(typeof(HealthResponse))]
// HealthResponse.Worker: the queue worker's counters (a health check's data) when it runs inside the service.
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(long))]
// Request bodies, and the upload form the OpenAPI document describes.
[JsonSerializable(typeof(UrlCheckRequest))]
[JsonSerializable(typeof(UrlFixRequest))]
[JsonSerializable(typeof(JobCheckRequest))]
[JsonSerializable(typeof(FileUploadForm))]
[JsonSerializable(typeof(string))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
