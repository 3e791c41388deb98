using System.Text;
using Microsoft.AspNetCore.Http;
using Portico.Middlewares.ReplacePath;
using Portico.Middlewares.Rewriting;

namespace Portico.Middlewares.ReplacePathRegex;

/// <summary>
/// Traefik's <c>replacePathRegex</c>: the expression runs on the escaped path (Go's <c>EscapedPath()</c>); when it
/// matches, the escaped path is recorded in <c>X-Replaced-Path</c>, every match is replaced, and the result, an escaped
/// path, becomes the new path. A result with a malformed escape is answered 500, as in Traefik.
/// </summary>
internal sealed class ReplacePathRegexMiddleware
{
    private readonly RequestDelegate _next;
    private readonly GoReplacement _replacement;

    public ReplacePathRegexMiddleware(RequestDelegate next, GoReplacement replacement)
    {
        _next = next;
        _replacement = replacement;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var current = RequestTarget.EscapedPath(context);
        if (!_replacement.Regex.IsMatch(current))
        {
            return _next(context);
        }

        context.Request.Headers.Append(ReplacePathFactory.ReplacedPathHeader, current);
        var replaced = _replacement.ReplaceAll(current);
        if (!RequestTarget.TryUnescape(replaced, out var decoded))
        {
            return InvalidEscapeAsync(context, replaced);
        }

        RequestTarget.SetPath(context.Request, decoded);
        return _next(context);
    }

    private static Task InvalidEscapeAsync(HttpContext context, string path)
    {
        var body = Encoding.UTF8.GetBytes($"invalid URL escape in the rewritten path \"{path}\"\n");
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }
}
