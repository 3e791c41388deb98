using Microsoft.AspNetCore.Http;
using Portico.Middlewares.Rewriting;

namespace Portico.Middlewares.RedirectScheme;

/// <summary>
/// Traefik's <c>redirectScheme</c>. The request's own URL is <c>scheme://host[:port]/path?query</c> where the scheme is
/// <c>https</c> over TLS, else <c>http</c>, unless <c>X-Forwarded-Proto</c> (which the entry point keeps only from trusted
/// peers and otherwise sets itself) says <c>http</c>/<c>ws</c> or <c>https</c>/<c>wss</c>; the port comes from the Host
/// header and is dropped when it is the scheme's default. The target URL swaps in the configured scheme and port. When
/// both URLs are equal the request already is where it should be and goes on: no redirect loop.
/// </summary>
internal sealed class RedirectSchemeMiddleware
{
    private readonly RequestDelegate _next;
    private readonly string _scheme;
    private readonly string _portPart;
    private readonly bool _permanent;

    public RedirectSchemeMiddleware(RequestDelegate next, string scheme, string portPart, bool permanent)
    {
        _next = next;
        _scheme = scheme;
        _portPart = portPart;
        _permanent = permanent;
    }

    public Task InvokeAsync(HttpContext context)
    {
        // 1. The scheme the client used, as Traefik determines it.
        var request = context.Request;
        var scheme = request.IsHttps ? "https" : "http";
        var forwarded = request.Headers["X-Forwarded-Proto"];
        if (forwarded.Count > 0 && forwarded[0] is { Length: > 0 } proto)
        {
            if (proto.Equals("http", StringComparison.OrdinalIgnoreCase) || proto.Equals("ws", StringComparison.OrdinalIgnoreCase))
            {
                scheme = "http";
            }
            else if (proto.Equals("https", StringComparison.OrdinalIgnoreCase) || proto.Equals("wss", StringComparison.OrdinalIgnoreCase))
            {
                scheme = "https";
            }
        }

        // 2. Host and port from the Host header; a default port is no port.
        var hostHeader = request.Host.Value ?? string.Empty;
        var split = PortStart(hostHeader);
        var port = hostHeader.AsSpan(split);
        if ((scheme == "http" && port is ":80") || (scheme == "https" && port is ":443"))
        {
            port = default;
        }

        // 3. Same scheme and port: nothing to do. The scheme is compared ignoring case (schemes are case-insensitive),
        // so that "HTTPS" in the configuration does not redirect https requests to themselves forever.
        if (string.Equals(scheme, _scheme, StringComparison.OrdinalIgnoreCase) && port.SequenceEqual(_portPart))
        {
            return _next(context);
        }

        // 4. Redirect, keeping host, escaped path and raw query.
        var location = string.Concat(_scheme, "://", hostHeader[..split], _portPart, RequestTarget.EscapedPath(context), request.QueryString.Value);
        return RedirectResponse.WriteAsync(context, RedirectResponse.ToHeaderValue(location), _permanent);
    }

    /// <summary>
    /// Where the <c>:port</c> of a Host value starts (its length when there is none), as Go's <c>net.SplitHostPort</c>
    /// splits, except that IPv6 brackets stay on the host so the redirect URL remains valid.
    /// </summary>
    private static int PortStart(string value)
    {
        if (value.StartsWith('['))
        {
            var close = value.IndexOf(']');
            return close > 0 && close + 1 < value.Length && value[close + 1] == ':' ? close + 1 : value.Length;
        }

        var colon = value.IndexOf(':');
        return colon >= 0 && colon == value.LastIndexOf(':') ? colon : value.Length;
    }
}
