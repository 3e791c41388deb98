using Microsoft.AspNetCore.Http;

namespace Portico.Runtime;

/// <summary>
/// The middleware behind <c>entryPoints.&lt;ep&gt;.http.redirections.entryPoint</c>: redirects to the same host and path with
/// another scheme and port. Status as Traefik: 302/307 temporary, 301/308 permanent (the second for non-GET methods).
/// </summary>
internal static class EntryPointRedirect
{
    public static Func<RequestDelegate, RequestDelegate> Create(string scheme, int? port, bool permanent)
    {
        var defaultPort = scheme.Equals("https", StringComparison.OrdinalIgnoreCase) ? 443 : 80;
        var portSuffix = port is null || port == defaultPort ? string.Empty : ":" + port;
        return _ => context =>
        {
            var request = context.Request;
            var host = request.Host.Host;
            if (host.Contains(':', StringComparison.Ordinal))
            {
                host = "[" + host + "]";
            }

            var location = scheme + "://" + host + portSuffix + request.PathBase + request.Path + request.QueryString;
            var get = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
            context.Response.StatusCode = permanent
                ? (get ? StatusCodes.Status301MovedPermanently : StatusCodes.Status308PermanentRedirect)
                : (get ? StatusCodes.Status302Found : StatusCodes.Status307TemporaryRedirect);
            context.Response.Headers.Location = location;
            return Task.CompletedTask;
        };
    }
}
