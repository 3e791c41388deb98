using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Portico.Forwarding;

/// <summary>
/// The entry point's forwarded-headers policy (Traefik's forwardedheaders middleware), applied once per request
/// before routing: drop X-Forwarded-* from untrusted peers, fill in the ones the proxy owns, and resolve
/// <c>Connection</c>-nominated headers so a client cannot make the proxy drop the headers it set.
/// </summary>
internal sealed class ForwardedHeaders
{
    /// <summary>The headers Traefik owns: removed when sent by an untrusted peer, never removable through Connection.</summary>
    private static readonly string[] s_forwardedHeaders =
    [
        "X-Forwarded-Proto", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Server",
        "X-Forwarded-Uri", "X-Forwarded-Method", "X-Forwarded-Prefix", "X-Forwarded-Tls-Client-Cert",
        "X-Forwarded-Tls-Client-Cert-Info", "X-Real-Ip",
    ];

    private readonly ForwardedHeadersOptions _options;

    public ForwardedHeaders(ForwardedHeadersOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    public void Apply(HttpContext context)
    {
        var headers = context.Request.Headers;
        var peer = context.Connection.RemoteIpAddress;
        if (peer is { IsIPv4MappedToIPv6: true })
        {
            peer = peer.MapToIPv4();
        }

        // 1. An untrusted peer does not get to say who the client was.
        if (!_options.Insecure && !IsTrusted(peer))
        {
            foreach (var name in s_forwardedHeaders)
            {
                headers.Remove(name);
            }
        }

        // 2. Fill in what the proxy knows, keeping values a trusted peer sent.
        if (peer is not null && StringValues.IsNullOrEmpty(headers["X-Real-Ip"]))
        {
            headers["X-Real-Ip"] = peer.ToString();
        }

        var isTls = context.Request.IsHttps;
        if (StringValues.IsNullOrEmpty(headers["X-Forwarded-Proto"]))
        {
            headers["X-Forwarded-Proto"] = IsWebSocket(headers) ? (isTls ? "wss" : "ws") : (isTls ? "https" : "http");
        }

        if (StringValues.IsNullOrEmpty(headers["X-Forwarded-Port"]))
        {
            headers["X-Forwarded-Port"] = ForwardedPort(context.Request.Host, headers["X-Forwarded-Proto"].ToString(), isTls);
        }

        if (StringValues.IsNullOrEmpty(headers["X-Forwarded-Host"]) && context.Request.Host.HasValue)
        {
            headers["X-Forwarded-Host"] = context.Request.Host.Value;
        }

        if (_options.Hostname.Length != 0)
        {
            headers["X-Forwarded-Server"] = _options.Hostname;
        }

        // 3. Connection-nominated headers.
        RemoveConnectionHeaders(headers);

        if (_options.NotAppendXForwardedFor)
        {
            context.Features.Set(NotAppendXForwardedForFeature.Instance);
        }
    }

    private bool IsTrusted(IPAddress? peer)
    {
        if (peer is null)
        {
            return false;
        }

        var networks = _options.TrustedIPs;
        for (var i = 0; i < networks.Count; i++)
        {
            if (networks[i].Contains(peer))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Removes the headers the client named in <c>Connection</c>, except the proxy's own X-Forwarded-* (RFC 9110
    /// §7.6.1 lets an intermediary replace Connection with its own options) and those the entry point allows in
    /// <c>forwardedHeaders.connection</c>, which stay nominated and pass through the middleware chain; the forwarder
    /// drops them at the last hop. Connection is rewritten to list only those, plus Upgrade for upgrade requests.
    /// </summary>
    private void RemoveConnectionHeaders(IHeaderDictionary headers)
    {
        var connection = headers.Connection;
        if (connection.Count == 0)
        {
            return;
        }

        var upgrade = HeaderPolicy.ContainsToken(connection, "upgrade") ? headers.Upgrade : default;
        List<string>? kept = null;
        foreach (var value in connection)
        {
            foreach (var range in value.AsSpan().Split(','))
            {
                var token = value.AsSpan()[range].Trim();
                if (token.IsEmpty || IsForwardedHeader(token))
                {
                    continue;
                }

                var name = token.ToString();
                if (_options.Connection.Contains(name))
                {
                    (kept ??= []).Add(name);
                }
                else
                {
                    headers.Remove(name);
                }
            }
        }

        if (upgrade.Count != 0)
        {
            (kept ??= []).Add("Upgrade");
            headers.Upgrade = upgrade;
        }

        if (kept is null)
        {
            headers.Remove("Connection");
        }
        else
        {
            headers.Connection = string.Join(",", kept);
        }
    }

    private static bool IsForwardedHeader(ReadOnlySpan<char> name)
    {
        foreach (var header in s_forwardedHeaders)
        {
            if (name.Equals(header, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsWebSocket(IHeaderDictionary headers) =>
        HeaderPolicy.ContainsToken(headers.Connection, "upgrade") && HeaderPolicy.ContainsToken(headers.Upgrade, "websocket");

    private static string ForwardedPort(HostString host, string proto, bool isTls)
    {
        if (host.Port is int port)
        {
            return port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return proto is "https" or "wss" || isTls ? "443" : "80";
    }
}
