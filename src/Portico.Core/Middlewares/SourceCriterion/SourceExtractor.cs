using Microsoft.AspNetCore.Http;

namespace Portico.Middlewares.SourceCriterion;

/// <summary>
/// Turns a request into the key that limiters group by (Traefik's <c>GetSourceExtractor</c>): the client IP when
/// <c>ipStrategy</c> is set, else the value of <c>requestHeaderName</c> (empty when absent, so all such requests share one
/// key), else the request host. Built once per middleware; extraction allocates nothing for the common cases.
/// </summary>
internal sealed class SourceExtractor
{
    private readonly ClientIpStrategy? _ip;
    private readonly string? _header;

    private SourceExtractor(ClientIpStrategy? ip, string? header)
    {
        _ip = ip;
        _header = header;
    }

    /// <summary>Whether the key is the client IP (otherwise a header or the host).</summary>
    public bool ByClientIp => _ip is not null;

    /// <summary>
    /// Builds the extractor. An empty criterion takes <paramref name="defaultToHost"/>: <c>inFlightReq</c> groups by host,
    /// <c>rateLimit</c> by the socket peer.
    /// </summary>
    public static SourceExtractor? Create(SourceCriterionOptions? options, bool defaultToHost, Action<string> error)
    {
        if (options is null || options.IsEmpty)
        {
            return defaultToHost ? new SourceExtractor(null, null) : new SourceExtractor(ClientIpStrategy.RemoteAddress, null);
        }

        if (options.IpStrategy is not null)
        {
            var strategy = ClientIpStrategy.Create(options.IpStrategy, message => error("sourceCriterion." + message));
            return strategy is null ? null : new SourceExtractor(strategy, null);
        }

        return string.IsNullOrEmpty(options.RequestHeaderName)
            ? new SourceExtractor(null, null)
            : new SourceExtractor(null, options.RequestHeaderName);
    }

    public string Extract(HttpContext context)
    {
        if (_ip is not null)
        {
            return _ip.GetIP(context);
        }

        if (_header is not null)
        {
            var values = context.Request.Headers[_header];
            return values.Count == 0 ? string.Empty : values[0] ?? string.Empty;
        }

        // Go's Request.Host: the Host header (or :authority) as sent, port included.
        return context.Request.Host.Value ?? string.Empty;
    }
}
