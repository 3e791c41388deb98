using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portico.Middlewares.ContentType;

/// <summary>
/// Traefik's <c>contentType</c>: Traefik turns off Go's Content-Type sniffing everywhere, and this middleware turns it
/// back on, so a response the backend sent without Content-Type gets one guessed from its first bytes. As in Go, nothing is
/// guessed when the body is empty, when the response is encoded (<c>Content-Encoding</c>) or sent with
/// <c>Transfer-Encoding</c>, or when the status allows no body. The guess is made from the first block written before
/// the headers go out; if the headers are flushed before any body byte, there is nothing to guess from.
/// </summary>
internal sealed class ContentTypeMiddleware
{
    private readonly RequestDelegate _next;

    public ContentTypeMiddleware(RequestDelegate next) => _next = next;

    public Task InvokeAsync(HttpContext context)
    {
        // A switched protocol carries no HTTP body to type.
        if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
            || context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true })
        {
            return _next(context);
        }

        return InvokeWithSniffingAsync(context);
    }

    private async Task InvokeWithSniffingAsync(HttpContext context)
    {
        var original = context.Features.Get<IHttpResponseBodyFeature>()!;
        var sniffing = new StreamResponseBodyFeature(new SniffingStream(context.Response, original.Stream), original);
        context.Features.Set<IHttpResponseBodyFeature>(sniffing);
        try
        {
            await _next(context);
            await sniffing.CompleteAsync();
        }
        finally
        {
            context.Features.Set(original);
        }
    }
}
