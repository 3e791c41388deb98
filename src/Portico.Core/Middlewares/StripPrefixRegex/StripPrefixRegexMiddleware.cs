using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Portico.Middlewares.Rewriting;
using Portico.Middlewares.StripPrefix;

namespace Portico.Middlewares.StripPrefixRegex;

/// <summary>
/// Traefik's <c>stripPrefixRegex</c>: for the first expression whose leftmost match is non-empty and is also a prefix of
/// the path (the expression need not be anchored), that text is removed from the path and added to
/// <c>X-Forwarded-Prefix</c>. An emptied path becomes <c>/</c>.
/// </summary>
internal sealed class StripPrefixRegexMiddleware
{
    private readonly RequestDelegate _next;
    private readonly Regex[] _expressions;

    public StripPrefixRegexMiddleware(RequestDelegate next, Regex[] expressions)
    {
        _next = next;
        _expressions = expressions;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var path = RequestTarget.Path(context.Request);
        foreach (var expression in _expressions)
        {
            // A match later in the path that happens to repeat its start counts too, as in Traefik (HasPrefix on the text).
            var match = expression.Match(path);
            if (!match.Success || match.Length == 0 || !path.AsSpan().StartsWith(match.ValueSpan, StringComparison.Ordinal))
            {
                continue;
            }

            context.Request.Headers.Append(StripPrefixMiddleware.ForwardedPrefixHeader, match.Value);
            RequestTarget.SetPath(context.Request, path[match.Length..]);
            break;
        }

        return _next(context);
    }
}
