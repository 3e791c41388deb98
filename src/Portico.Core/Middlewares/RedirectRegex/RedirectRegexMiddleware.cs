using Microsoft.AspNetCore.Http;
using Portico.Middlewares.Rewriting;

namespace Portico.Middlewares.RedirectRegex;

/// <summary>
/// Traefik's <c>redirectRegex</c>. The URL matched is built as Traefik builds it: <c>https</c> when the connection is TLS
/// and <c>http</c> otherwise (X-Forwarded-Proto is not consulted), the Host header as sent (with its port), then the
/// escaped path and the raw query. When the replacement yields another URL the client is redirected there; when it
/// yields the same URL the request goes on, so a rule that already holds never loops.
/// </summary>
internal sealed class RedirectRegexMiddleware
{
    private readonly RequestDelegate _next;
    private readonly GoReplacement _replacement;
    private readonly bool _permanent;

    public RedirectRegexMiddleware(RequestDelegate next, GoReplacement replacement, bool permanent)
    {
        _next = next;
        _replacement = replacement;
        _permanent = permanent;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var url = string.Concat(
            request.IsHttps ? "https://" : "http://",
            request.Host.Value,
            RequestTarget.EscapedPath(context),
            request.QueryString.Value);
        if (!_replacement.Regex.IsMatch(url))
        {
            return _next(context);
        }

        var target = _replacement.ReplaceAll(url);
        if (!RedirectResponse.IsValidUrl(target))
        {
            // Traefik's error handler answers a URL that does not parse with a bare 500.
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        }

        return string.Equals(target, url, StringComparison.Ordinal)
            ? _next(context)
            : RedirectResponse.WriteAsync(context, RedirectResponse.ToHeaderValue(target), _permanent);
    }
}
