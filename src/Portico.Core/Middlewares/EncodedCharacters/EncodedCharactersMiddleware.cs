using Microsoft.AspNetCore.Http;
using Portico.Configuration.Static;
using Portico.Middlewares.Rewriting;
using Portico.Routing;

namespace Portico.Middlewares.EncodedCharacters;

/// <summary>
/// Answers 400 to a request whose escaped path (as the previous middlewares left it, like Go's <c>EscapedPath()</c>)
/// contains an encoded character the options forbid, or ends in a truncated <c>%</c> escape, as Traefik does.
/// </summary>
internal sealed class EncodedCharactersMiddleware
{
    private readonly RequestDelegate _next;
    private readonly EncodedCharactersConfig _allowed;

    public EncodedCharactersMiddleware(RequestDelegate next, EncodedCharactersConfig allowed)
    {
        _next = next;
        _allowed = allowed;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var path = RequestTarget.EscapedPath(context);
        var percent = path.LastIndexOf('%');
        if ((percent >= 0 && percent + 2 >= path.Length)
            || PathSanitizer.CheckEncodedCharacters(path, _allowed) != EncodedCharacterViolation.None)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.CompletedTask;
        }

        return _next(context);
    }
}
