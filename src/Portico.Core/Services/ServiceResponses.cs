using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Portico.Services;

/// <summary>Error answers written by services, shaped like Go's <c>http.Error</c> as Traefik writes them.</summary>
internal static class ServiceResponses
{
    private static readonly byte[] NoAvailableServer = Encoding.ASCII.GetBytes("no available server\n");
    private static readonly byte[] BadGateway = Encoding.ASCII.GetBytes("Bad Gateway\n");
    private static readonly byte[] GatewayTimeout = Encoding.ASCII.GetBytes("Gateway Timeout\n");
    private static readonly byte[] BadRequest = Encoding.ASCII.GetBytes("Bad Request\n");
    private static readonly byte[] TooLarge = Encoding.ASCII.GetBytes("Request Entity Too Large\n");

    /// <summary>503 with Traefik's body text <c>no available server</c>.</summary>
    public static Task WriteNoAvailableServerAsync(HttpContext context) => WriteAsync(context, 503, NoAvailableServer);

    public static Task WriteRequestTooLargeAsync(HttpContext context) => WriteAsync(context, 413, TooLarge);

    /// <summary>The error status of a failed forward, with the status text as body (nothing for 499: nobody reads it).</summary>
    public static Task WriteErrorAsync(HttpContext context, int statusCode) => statusCode switch
    {
        502 => WriteAsync(context, 502, BadGateway),
        504 => WriteAsync(context, 504, GatewayTimeout),
        400 => WriteAsync(context, 400, BadRequest),
        _ => SetStatus(context, statusCode),
    };

    private static Task SetStatus(HttpContext context, int statusCode)
    {
        context.Response.StatusCode = statusCode;
        return Task.CompletedTask;
    }

    private static Task WriteAsync(HttpContext context, int statusCode, byte[] body)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        response.StatusCode = statusCode;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body.AsMemory(), context.RequestAborted).AsTask();
    }
}
