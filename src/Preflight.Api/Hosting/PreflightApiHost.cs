using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Preflight.Api.Endpoints;
using Preflight.Api.Page;
using Preflight.Api.Previews;
using Preflight.Api.Uploads;
using Preflight.Core.Reports;
using Preflight.Hosting;
using Scalar.AspNetCore;

namespace Preflight.Api.Hosting;

/// <summary>
/// The HTTP face, composed in two calls so <c>Program.cs</c> and the CLI's <c>serve</c> command build the same app:
/// <c>builder.AddPreflight(); var app = builder.Build(); app.MapPreflight();</c>.
/// </summary>
public static class PreflightApiHost
{
    public static WebApplicationBuilder AddPreflight(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // The engine (profile, tools, inspector, fetcher, staging, inspection gate, health checks): the same for every face.
        services.AddPreflightEngine(builder.Configuration);
        // Repeat uploads answered from the verdicts shared through the storage account (Preflight:Cache).
        services.AddPreflightVerdictCache(builder.Configuration);

        // Options are read lazily (IOptions), so configuration added after this call — tests, the CLI — still applies.
        services.AddOptions<ApiKeyOptions>().Configure<IConfiguration>((options, configuration) =>
            options.Keys = configuration.GetSection(ApiKeyOptions.SectionName).Get<string[]>()?
                .Where(key => !string.IsNullOrWhiteSpace(key)).ToArray() ?? []);
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateOnStart();
        services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.SectionName)
            .Validate(CanCreateTempFolder, "Preflight:Upload:TempFolder cannot be created.").ValidateOnStart();
        // The [Range] checks, by generated validators (ValidateDataAnnotations reflects over the options at run time).
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UploadOptions>, UploadOptionsValidator>());
        services.AddSingleton<ApiKeyValidator>();
        services.AddSingleton<UploadReceiver>();
        services.AddSingleton<FixGate>();
        services.AddPreflightPreviews();
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = Problems.FillFrameworkDetail);
        services.AddExceptionHandler<MissingToolExceptionHandler>();
        services.ConfigureHttpJsonOptions(json =>
        {
            // The CLI's report settings, so the API answers byte-for-byte the same shape (minus indentation).
            var report = PreflightJson.Compact;
            json.SerializerOptions.PropertyNamingPolicy = report.PropertyNamingPolicy;
            json.SerializerOptions.DefaultIgnoreCondition = report.DefaultIgnoreCondition;
            json.SerializerOptions.Encoder = report.Encoder;
            json.SerializerOptions.WriteIndented = false;
            // Build-time metadata only: the reflection resolver the framework starts with is removed in every build, so
            // a type the AOT binary could not write fails the ordinary tests too. (Problem details and OpenAPI add theirs.)
            var chain = json.SerializerOptions.TypeInfoResolverChain;
            for (var i = chain.Count - 1; i >= 0; i--)
                if (chain[i] is DefaultJsonTypeInfoResolver) chain.RemoveAt(i);
            chain.Insert(0, ApiJsonContext.Default);
        });
        services.AddPreflightRateLimiting();
        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<InspectionQueueOptions>>((timeouts, inspection) =>
            timeouts.DefaultPolicy = new RequestTimeoutPolicy
            {
                Timeout = inspection.Value.RequestTimeout,
                TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
                WriteTimeoutResponse = WriteTimeoutProblemAsync,
            });
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<UploadOptions>>((kestrel, upload) =>
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(upload.Value.MinBytesPerSecond, upload.Value.MinRateGracePeriod));
        services.AddOpenApi();
        return builder;
    }

    public static WebApplication MapPreflight(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRateLimiter();
        app.UseRequestTimeouts();

        var v1 = app.MapGroup("/v1")
            .AddEndpointFilter<ApiKeyFilter>()
            .RequireRateLimiting(RateLimiting.PerClientPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        v1.MapProfileEndpoints().WithTags("Profiles");
        v1.MapPreviewEndpoints();

        var preflight = v1.MapGroup("/preflight")
            .WithTags("Preflight")
            .AddEndpointFilter<AdmissionFilter>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout);
        preflight.MapFileEndpoints();
        preflight.MapUrlEndpoints();
        preflight.MapJobEndpoints();

        v1.MapGroup("/fix")
            .WithTags("Fix")
            .AddEndpointFilter<AdmissionFilter>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout)
            .MapFixEndpoints();

        app.MapStagedEndpoints();
        app.MapHealthEndpoints();
        app.MapPreflightPage();
        app.MapOpenApi();
        app.MapScalarApiReference("/docs", scalar => scalar.WithTitle("Preflight API"));
        return app;
    }

    private static Task WriteTimeoutProblemAsync(HttpContext context) =>
        context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status504GatewayTimeout,
                Title = "Request timed out",
                Detail = "The request took longer than the service's per-request timeout (Preflight:Inspection:RequestTimeout).",
            },
        }).AsTask();

    private static bool CanCreateTempFolder(UploadOptions options)
    {
        try
        {
            Directory.CreateDirectory(options.ResolvedTempFolder);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }
}
