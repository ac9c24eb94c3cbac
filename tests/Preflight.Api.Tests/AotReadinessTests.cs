using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Preflight.Api.Endpoints;
using Preflight.Api.Hosting;
using Preflight.Core.Jobs;
using Preflight.Core.Previews;
using Preflight.Core.Reports;
using Preflight.Core.Rules;
using Preflight.Staging;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Preflight.Api.Tests;

/// <summary>
/// What the Native AOT binary (<c>preflight serve</c>) depends on, checked in the ordinary build: JSON only from
/// build-time metadata, options bound and validated by generated code.
/// </summary>
public sealed class AotReadinessTests : IDisposable
{
    private readonly PreflightApiFactory _factory = new();

    public void Dispose() => _factory.Dispose();

    private JsonSerializerOptions Json()
    {
        _factory.CreateClient().Dispose();
        return _factory.Services.GetRequiredService<IOptions<HttpJsonOptions>>().Value.SerializerOptions;
    }

    /// <summary>A type no context lists: only a reflection resolver could describe it.</summary>
    private sealed record NotListed(string Name);

    [Fact]
    public void HttpJson_ResolverChain_HasNoReflectionFallback()
    {
        var options = Json();

        Assert.NotEmpty(options.TypeInfoResolverChain);
        Assert.DoesNotContain(options.TypeInfoResolverChain, resolver => resolver is DefaultJsonTypeInfoResolver);
        Assert.Null(options.TypeInfoResolver!.GetTypeInfo(typeof(NotListed), options));
        Assert.Throws<NotSupportedException>(() => JsonSerializer.Serialize(new NotListed("x"), options));
    }

    [Fact]
    public void Endpoints_EveryRequestAndResponseType_HasBuildTimeMetadata()
    {
        var options = Json();
        var endpoints = _factory.Services.GetRequiredService<EndpointDataSource>().Endpoints;
        var types = endpoints.SelectMany(e => e.Metadata.OfType<IProducesResponseTypeMetadata>().Select(m => m.Type)
                .Concat(e.Metadata.OfType<IAcceptsMetadata>().Select(m => m.RequestType)))
            .OfType<Type>()
            .Where(t => t != typeof(void) && !typeof(IResult).IsAssignableFrom(t))
            .ToHashSet();

        // The endpoints' metadata really names the API's types (so the check below is not vacuous).
        Assert.Superset(new HashSet<Type>
        {
            typeof(CheckReport), typeof(JobReport), typeof(ProfilesResponse), typeof(Profile), typeof(HealthResponse),
            typeof(UrlCheckRequest), typeof(UrlFixRequest), typeof(JobCheckRequest), typeof(FileUploadForm),
            typeof(Microsoft.AspNetCore.Mvc.ProblemDetails),
        }, types);
        Assert.All(types, type => Assert.NotNull(options.TypeInfoResolver!.GetTypeInfo(type, options)));
    }

    [Fact]
    public void HealthResponse_WithWorkerCounters_WritesThemFromBuildTimeMetadata()
    {
        var health = new HealthResponse("ok", "1.0", new ToolHealth(true, "5.1"), new ToolHealth(false, null), null,
            new StoreHealth("local-folder", true, "/tmp/x"), new Dictionary<string, object> { ["processed"] = 3L, ["inFlight"] = 0L });

        var json = JsonSerializer.Serialize(health, Json());

        Assert.Equal("{\"status\":\"ok\",\"version\":\"1.0\",\"ffprobe\":{\"usable\":true,\"version\":\"5.1\"},\"ffmpeg\":{\"usable\":false}," +
            "\"staging\":{\"store\":\"local-folder\",\"healthy\":true,\"detail\":\"/tmp/x\"},\"worker\":{\"processed\":3,\"inFlight\":0}}", json);
    }

    [Fact]
    public void HttpJson_Report_IsByteIdenticalToTheCliReport()
    {
        // Every optional part of an entry, with characters the report encoder keeps readable.
        var file = new FileReport
        {
            Path = "a+<b>é.png",
            Kind = AssetKind.Image,
            Verdict = Verdict.Fail,
            SizeBytes = 10,
            Sha256 = new string('a', 64),
            Media = new MediaFacts { Width = 4, Height = 3 },
            Findings = [Finding.Error(FindingCodes.FileCorrupt, "no IEND", actual: "1 > 0", fix: "ffmpeg -i 'a.png' b.png")],
            Source = new UrlSource("https://x/a.png", null, 200, "image/png", 10, 0) { Complete = true },
            Staged = new StagedInfo("https://x/s.png", "s.png", new string('a', 64), null, false),
            Preview = new PreviewInfo("thumbnail", "image/png", 4, 3, null, "data:image/png;base64,AA=="),
            Fix = new Core.Remediation.FixInfo { Status = Core.Remediation.FixStatus.NotFixable, Reason = "no" },
            Cached = true,
        };
        var report = CheckReport.Create("heygen", "pro", [file], TimeSpan.FromMilliseconds(5)) with
        {
            Fixes = Core.Remediation.FixSummary.Of([file]),
        };

        Assert.Equal(JsonSerializer.Serialize(report, PreflightJson.Compact), JsonSerializer.Serialize(report, Json()));
    }

    /// <summary>
    /// The 400's detail names what reading by reflection named: an init-only member's own type, the whole type for a
    /// constructor parameter (positional records).
    /// </summary>
    [Theory]
    [InlineData("/v1/preflight/jobs", "{\"endpoint\": 5}", "could not be converted to System.String. Path: $.endpoint | LineNumber: 0 | BytePositionInLine: 14.")]
    [InlineData("/v1/preflight/jobs", "{\"Endpoint\": \"video/generate\", \"creditsRemaining\": \"lots\"}",
        "could not be converted to System.Nullable`1[System.Double]. Path: $.creditsRemaining | LineNumber: 0 | BytePositionInLine: 57.")]
    [InlineData("/v1/preflight/urls", "{\"assets\": [{\"url\": 1}]}", "could not be converted to Preflight.Api.Endpoints.UrlAsset. Path: $.assets[0].url")]
    [InlineData("/v1/preflight/urls", "{\"deep\": \"yes\"}", "could not be converted to Preflight.Api.Endpoints.UrlCheckRequest. Path: $.deep")]
    [InlineData("/v1/fix/urls", "{\"trim\": \"yes\"}", "could not be converted to Preflight.Api.Endpoints.UrlFixRequest. Path: $.trim")]
    [InlineData("/v1/fix/urls", "{\"assets\": \"no\"}", "could not be converted to System.Collections.Generic.IReadOnlyList`1[Preflight.Api.Endpoints.UrlAsset]. Path: $.assets")]
    public async Task Post_MistypedMember_DetailAsReadingByReflectionGaveIt(string path, string body, string expected)
    {
        using var response = await _factory.CreateClient().PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>();

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, (string?)problem!["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public void Previews_Options_AreReadFromConfiguration()
    {
        using var factory = new PreflightApiFactory(
            ("Preflight:Previews:Ttl", "00:02:00"), ("Preflight:Previews:MaxCount", "7"), ("Preflight:Previews:MaxBytes", "1234"));
        factory.CreateClient().Dispose();

        var options = factory.Services.GetRequiredService<IOptions<PreviewStoreOptions>>().Value;

        Assert.Equal(new PreviewStoreOptions { Ttl = TimeSpan.FromMinutes(2), MaxCount = 7, MaxBytes = 1234 }, options);
    }

    [Fact]
    public void Previews_Options_DefaultWhenAbsent()
    {
        _factory.CreateClient().Dispose();

        Assert.Equal(new PreviewStoreOptions(), _factory.Services.GetRequiredService<IOptions<PreviewStoreOptions>>().Value);
    }

    [Theory]
    [InlineData("00:00:01", true)]
    [InlineData("00:10:00", true)]
    [InlineData("00:00:00", false)]
    [InlineData("00:10:01", false)]
    public void UploadValidator_GracePeriod_InclusiveBoundsWithTheRangeMessage(string value, bool valid)
    {
        var result = new UploadOptionsValidator().Validate(null, new UploadOptions { MinRateGracePeriod = TimeSpan.Parse(value) });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
            Assert.Contains("The field UploadOptions.MinRateGracePeriod must be between 00:00:01 and 00:10:00.", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void RateLimitValidator_NegativePermitLimit_Fails()
    {
        var result = new RateLimitOptionsValidator().Validate(null, new RateLimitOptions { PermitLimit = -1 });

        Assert.True(result.Failed);
        Assert.Contains("PermitLimit", result.FailureMessage, StringComparison.Ordinal);
    }
}
