using Microsoft.AspNetCore.Http;

namespace Portico.Middlewares.StripPrefix;

/// <summary>
/// Removes the first matching prefix from the request path and records it in <c>X-Forwarded-Prefix</c>. As in Traefik,
/// the prefix is a plain string: <c>/api</c> turns <c>/apiv2</c> into <c>/v2</c>, and the result always starts with <c>/</c>.
/// </summary>
internal sealed class StripPrefixMiddleware
{
    private const string ForwardedPrefixHeader = "X-Forwarded-Prefix";
    private readonly RequestDelegate _next;
    private readonly string[] _prefixes;

    public StripPrefixMiddleware(RequestDelegate next, string[] prefixes)
    {
        _next = next;
        _prefixes = prefixes;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        foreach (var prefix in _prefixes)
        {
            if (!path.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = path[prefix.Length..];
            context.Request.Path = new PathString(rest.StartsWith('/') ? rest : "/" + rest);
            context.Request.Headers[ForwardedPrefixHeader] = prefix;
            break;
        }

        return _next(context);
    }
}
