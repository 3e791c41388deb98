using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portico.Routing;

/// <summary>
/// The view of a request that rules match against, computed once per request so that every router
/// evaluated for it shares the same canonical host and routing path.
/// </summary>
internal readonly struct RoutingRequest
{
    private readonly IHeaderDictionary? _headers;

    public RoutingRequest(string host, string path, string method, IHeaderDictionary? headers, string? rawQuery, IPAddress? clientIp)
    {
        Host = host;
        Path = path;
        Method = method;
        _headers = headers;
        RawQuery = rawQuery ?? string.Empty;
        ClientIP = clientIp is { IsIPv4MappedToIPv6: true } ? clientIp.MapToIPv4() : clientIp;
    }

    /// <summary>Lower-cased host without port, IPv6 brackets or trailing dot; empty when the request has none.</summary>
    public string Host { get; }

    /// <summary>The escaped path with non-reserved escapes decoded and reserved ones kept (upper-case hex).</summary>
    public string Path { get; }

    public string Method { get; }

    public IHeaderDictionary Headers => _headers ?? EmptyHeaders.Instance;

    /// <summary>The raw query string without the leading '?', decoded lazily by the query matchers.</summary>
    public string RawQuery { get; }

    /// <summary>The socket peer address (never X-Forwarded-For), IPv4-mapped addresses unmapped.</summary>
    public IPAddress? ClientIP { get; }

    /// <summary>
    /// Builds the view from <paramref name="context"/>. The path comes from the raw request target when the
    /// server provides it (so escapes are seen as sent), otherwise from PathBase + Path.
    /// </summary>
    public static RoutingRequest From(HttpContext context, bool sanitizePath = true)
    {
        var escaped = EscapedPath(context);
        var path = PathSanitizer.NormalizeEscapes(escaped);
        if (sanitizePath)
        {
            path = PathSanitizer.Clean(path);
        }

        return From(context, path);
    }

    /// <summary>Builds the view with a routing path the entry point already computed.</summary>
    public static RoutingRequest From(HttpContext context, string routingPath)
    {
        var request = context.Request;
        var query = request.QueryString.Value;
        if (!string.IsNullOrEmpty(query) && query[0] == '?')
        {
            query = query[1..];
        }

        return new RoutingRequest(
            CanonicalHost(request.Host.Value),
            routingPath,
            request.Method,
            request.Headers,
            query,
            context.Connection.RemoteIpAddress);
    }

    /// <summary>The escaped path as sent (raw target without query), or PathBase + Path escaped when none.</summary>
    public static string EscapedPath(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (!string.IsNullOrEmpty(raw) && raw[0] == '/')
        {
            var q = raw.IndexOf('?');
            return q < 0 ? raw : raw[..q];
        }

        var request = context.Request;
        var full = request.PathBase.Add(request.Path).ToUriComponent();
        return full.Length == 0 ? "/" : full;
    }

    /// <summary>Host header value to routing form: port and IPv6 brackets removed, trimmed, lower-cased, no trailing dot.</summary>
    public static string CanonicalHost(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var span = value.AsSpan().Trim();
        if (span.Length > 0 && span[0] == '[')
        {
            var close = span.IndexOf(']');
            span = close < 0 ? span[1..] : span[1..close];
        }
        else
        {
            var colon = span.LastIndexOf(':');
            // A single colon separates the port; several colons mean an unbracketed IPv6 literal.
            if (colon >= 0 && span[..colon].IndexOf(':') < 0)
            {
                span = span[..colon];
            }
        }

        span = span.Trim();
        if (span.Length > 0 && span[^1] == '.')
        {
            span = span[..^1];
        }

        return IsLowerAscii(span) && span.Length == value.Length ? value : span.ToString().ToLowerInvariant();
    }

    private static bool IsLowerAscii(ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (c is >= 'A' and <= 'Z' || c > 127)
            {
                return false;
            }
        }

        return true;
    }

    private sealed class EmptyHeaders
    {
        public static readonly IHeaderDictionary Instance = new HeaderDictionary();
    }
}
