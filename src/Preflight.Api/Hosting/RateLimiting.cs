using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Preflight.Hosting;

namespace Preflight.Api.Hosting;

/// <summary>A fixed window per API key, or per client IP when the service has no keys (or the key is wrong).</summary>
internal static class RateLimiting
{
    public const string PerClientPolicy = "per-client";

    public static IServiceCollection AddPreflightRateLimiting(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PerClientPolicy, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                var partition = PartitionOf(context);
                if (options.PermitLimit <= 0) return RateLimitPartition.GetNoLimiter(partition);
                return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.PermitLimit,
                    Window = options.Window,
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = OnRejectedAsync;
        });

    /// <summary>Never the key itself: its index among the configured keys.</summary>
    private static string PartitionOf(HttpContext context)
    {
        var key = context.RequestServices.GetRequiredService<ApiKeyValidator>().Match(context);
        return key >= 0
            ? "key#" + key.ToString(CultureInfo.InvariantCulture)
            : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : options.Window;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

        Log.RateLimited(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Preflight.Api.RateLimiting"),
            PartitionOf(context));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"This client may send {options.PermitLimit} requests per {options.Window}; retry after {seconds} s.",
            },
        });
    }
}

/// <summary>Admits the request into the inspection queue for its whole duration, or answers 503.</summary>
internal sealed class AdmissionFilter(InspectionGate gate, ILogger<AdmissionFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        using var admission = gate.TryAdmit();
        if (admission is null)
        {
            Log.QueueFull(logger, gate.Capacity);
            context.HttpContext.Response.Headers.RetryAfter = "1";
            return Problems.QueueFull(gate.Capacity);
        }
        return await next(context);
    }
}
