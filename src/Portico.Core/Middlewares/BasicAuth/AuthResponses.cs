using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Portico.Middlewares.BasicAuth;

/// <summary>The 401 answer go-http-auth writes for both Basic and Digest authentication.</summary>
internal static class AuthResponses
{
    public static Task UnauthorizedAsync(HttpContext context, string challenge, byte[] body)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status401Unauthorized;
        response.Headers[HeaderNames.WWWAuthenticate] = challenge;
        response.ContentType = "text/plain";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, 0, body.Length, context.RequestAborted);
    }
}
