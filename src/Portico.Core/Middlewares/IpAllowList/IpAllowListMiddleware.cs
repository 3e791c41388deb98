using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;
using Portico.Middlewares.SourceCriterion;

namespace Portico.Middlewares.IpAllowList;

/// <summary>
/// Lets a request through when its client IP is in the allowed ranges, and answers the reject status with its reason
/// phrase otherwise. A client IP that is empty or not an address (too few X-Forwarded-For entries, garbage) is refused.
/// </summary>
internal sealed partial class IpAllowListMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IpRanges _allowed;
    private readonly ClientIpStrategy _strategy;
    private readonly int _rejectStatusCode;
    private readonly byte[] _rejectBody;
    private readonly string _name;
    private readonly ILogger _logger;

    public IpAllowListMiddleware(RequestDelegate next, IpRanges allowed, ClientIpStrategy strategy, int rejectStatusCode, string name, ILogger logger)
    {
        _next = next;
        _allowed = allowed;
        _strategy = strategy;
        _rejectStatusCode = rejectStatusCode;
        _rejectBody = System.Text.Encoding.UTF8.GetBytes(ReasonPhrases.GetReasonPhrase(rejectStatusCode));
        _name = name;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var ip = _strategy.GetIP(context);
        if (IsAllowed(ip))
        {
            return _next(context);
        }

        if (_logger.IsEnabled(LogLevel.Debug))
        {
            LogRejected(_logger, _name, ip);
        }

        context.Response.StatusCode = _rejectStatusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = _rejectBody.Length;
        return context.Response.Body.WriteAsync(_rejectBody, context.RequestAborted).AsTask();
    }

    private bool IsAllowed(string ip)
    {
        // Traefik strips a port first ("1.2.3.4:80", "[::1]:80"), as X-Forwarded-For entries sometimes carry one.
        var host = ip.AsSpan();
        if (host.Length > 0 && host[0] == '[')
        {
            var close = host.IndexOf(']');
            if (close > 0 && host.Length > close + 1 && host[close + 1] == ':')
            {
                host = host[1..close];
            }
        }
        else if (host.IndexOf(':') is var colon and > 0 && host.LastIndexOf(':') == colon)
        {
            host = host[..colon];
        }

        return IPAddress.TryParse(host, out var address) && _allowed.Contains(address);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Middleware {Name} rejected client IP \"{ClientIp}\"")]
    private static partial void LogRejected(ILogger logger, string name, string clientIp);
}
