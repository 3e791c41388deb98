using Microsoft.AspNetCore.Http;
using Portico.Middlewares.Rewriting;

namespace Portico.Middlewares.StripPrefix;

/// <summary>
/// Removes the first matching prefix from the request path and adds it to <c>X-Forwarded-Prefix</c> (added, not set, so
/// that stacked strips are all recorded, as in Traefik). The prefix is a plain string: <c>/api</c> turns <c>/apiv2</c>
/// into <c>/v2</c>, and an emptied path becomes <c>/</c>. The path is the decoded one, so the escaped path sent to the
/// backend (Go's <c>RawPath</c>) loses the same prefix.
/// </summary>
internal sealed class StripPrefixMiddleware
{
    internal const string ForwardedPrefixHeader = "X-Forwarded-Prefix";
    private readonly RequestDelegate _next;
    private readonly string[] _prefixes;
    private readonly string[] _headerValues;

    public StripPrefixMiddleware(RequestDelegate next, string[] prefixes)
    {
        _next = next;
        _prefixes = prefixes;
        _headerValues = Array.ConvertAll(prefixes, p => p.Trim());
    }

    public Task InvokeAsync(HttpContext context)
    {
        var path = RequestTarget.Path(context.Request);
        for (var i = 0; i < _prefixes.Length; i++)
        {
            var prefix = _prefixes[i];
            if (!path.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            RequestTarget.SetPath(context.Request, path[prefix.Length..]);
            context.Request.Headers.Append(ForwardedPrefixHeader, _headerValues[i]);
            break;
        }

        return _next(context);
    }
}
