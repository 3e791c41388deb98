using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Portico.Middlewares.GrpcWeb;

/// <summary>
/// Traefik's <c>grpcWeb</c> (improbable-eng's wrapper): a gRPC-Web request (<c>application/grpc-web[+proto]</c>, or the
/// base64 <c>application/grpc-web-text[+proto]</c>) goes on as gRPC, which the forwarder sends over HTTP/2 (h2c for an
/// <c>h2c://</c> server); the answer comes back as gRPC-Web with the trailers as a final frame in the body. CORS
/// preflights that ask for <c>x-grpc-web</c> are answered here for allowed origins.
/// </summary>
internal sealed class GrpcWebMiddleware(RequestDelegate next, bool anyOrigin, HashSet<string> origins)
{
    private const string GrpcWeb = "application/grpc-web";
    private const string GrpcWebText = "application/grpc-web-text";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsOptions(request.Method) && IsGrpcWebPreflight(request))
        {
            AnswerPreflight(context);
            return Task.CompletedTask;
        }

        if (!HttpMethods.IsPost(request.Method) || request.ContentType is not { } contentType ||
            !contentType.StartsWith(GrpcWeb, StringComparison.OrdinalIgnoreCase))
        {
            return next(context);
        }

        return TranslateAsync(context, contentType);
    }

    private static bool IsGrpcWebPreflight(HttpRequest request)
    {
        foreach (var value in request.Headers.AccessControlRequestHeaders)
        {
            if (value is not null && value.Contains("x-grpc-web", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsAllowed(StringValues origin) => origin.Count == 1 && (anyOrigin || origins.Contains(origin.ToString()));

    private void AnswerPreflight(HttpContext context)
    {
        var request = context.Request;
        var headers = context.Response.Headers;
        headers.Vary = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        if (!IsAllowed(request.Headers.Origin))
        {
            return;
        }

        headers.AccessControlAllowOrigin = request.Headers.Origin;
        headers.AccessControlAllowCredentials = "true";
        headers.AccessControlAllowMethods = request.Headers.AccessControlRequestMethod.ToString().ToUpperInvariant();
        headers.AccessControlAllowHeaders = request.Headers.AccessControlRequestHeaders;

        // improbable-eng's wrapper caches preflights for ten minutes.
        headers.AccessControlMaxAge = "600";
    }

    private async Task TranslateAsync(HttpContext context, string contentType)
    {
        // 1. The request: content type back to gRPC, and the text variant decoded from base64 as it streams.
        var request = context.Request;
        var text = contentType.StartsWith(GrpcWebText, StringComparison.OrdinalIgnoreCase);
        var suffix = contentType[(text ? GrpcWebText.Length : GrpcWeb.Length)..];
        request.ContentType = "application/grpc" + suffix;
        var originalBody = request.Body;
        if (text)
        {
            request.ContentLength = null;
            request.Body = new Base64DecodingStream(originalBody);
        }

        var origin = request.Headers.Origin;
        if (IsAllowed(origin))
        {
            context.Response.Headers.AccessControlAllowOrigin = origin;
            context.Response.Headers.AccessControlAllowCredentials = "true";
        }

        // 2. The response: gRPC-Web framing, with the trailers collected instead of sent as HTTP trailers.
        var originalBodyFeature = context.Features.Get<IHttpResponseBodyFeature>()!;
        var originalTrailers = context.Features.Get<IHttpResponseTrailersFeature>();
        var body = new GrpcWebResponseBody(context, originalBodyFeature, text);
        context.Features.Set<IHttpResponseBodyFeature>(body);
        context.Features.Set<IHttpResponseTrailersFeature>(body);
        try
        {
            await next(context).ConfigureAwait(false);
            await body.FinishAsync().ConfigureAwait(false);
        }
        finally
        {
            context.Features.Set(originalBodyFeature);
            context.Features.Set(originalTrailers);
            request.Body = originalBody;
        }
    }
}
