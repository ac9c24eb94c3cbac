using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Preflight.Api.Hosting;

/// <summary>
/// Checks <c>X-Api-Key</c> against the configured keys. Both sides are hashed first so the constant-time compare
/// also hides the keys' lengths, and every key is compared so the position of a match leaks nothing either.
/// </summary>
internal sealed class ApiKeyValidator
{
    private readonly byte[][] _keyHashes;

    public ApiKeyValidator(IOptions<ApiKeyOptions> options)
    {
        _keyHashes = options.Value.Keys.Select(Hash).ToArray();
    }

    public bool Enabled => _keyHashes.Length > 0;

    /// <summary>The index of the matching key (used as the rate-limit partition), or -1.</summary>
    public int Match(string? presented)
    {
        if (string.IsNullOrEmpty(presented)) return -1;
        var hash = Hash(presented);
        var found = -1;
        for (var i = 0; i < _keyHashes.Length; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, _keyHashes[i])) found = i;
        }
        return found;
    }

    public int Match(HttpContext context) =>
        Match(context.Request.Headers.TryGetValue(ApiKeyOptions.HeaderName, out var values) ? values.ToString() : null);

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}

/// <summary>401 ProblemDetails unless the request carries a configured key (no-op when none is configured).</summary>
internal sealed class ApiKeyFilter(ApiKeyValidator validator, ILogger<ApiKeyFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!validator.Enabled || validator.Match(context.HttpContext) >= 0) return await next(context);

        Log.ApiKeyRejected(logger, context.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        context.HttpContext.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{ApiKeyOptions.HeaderName}\"";
        var missing = !context.HttpContext.Request.Headers.ContainsKey(ApiKeyOptions.HeaderName);
        return Problems.Unauthorized(missing
            ? $"This service requires an API key in the {ApiKeyOptions.HeaderName} header."
            : $"The API key in the {ApiKeyOptions.HeaderName} header is not valid.");
    }
}
