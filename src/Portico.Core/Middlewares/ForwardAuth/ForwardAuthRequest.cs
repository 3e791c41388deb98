using System.Collections.Frozen;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Portico.Forwarding;

namespace Portico.Middlewares.ForwardAuth;

/// <summary>Builds the request sent to the authentication server from the client's request, as Traefik's writeHeader does.</summary>
internal static class ForwardAuthRequest
{
    private const string ForwardedFor = "X-Forwarded-For";
    private const string ForwardedMethod = "X-Forwarded-Method";
    private const string ForwardedProto = "X-Forwarded-Proto";
    private const string ForwardedPort = "X-Forwarded-Port";
    private const string ForwardedHost = "X-Forwarded-Host";
    private const string ForwardedUri = "X-Forwarded-Uri";

    /// <summary>Traefik's X-Forwarded-* set: dropped unless trustForwardHeader, always allowed through authRequestHeaders when trusted.</summary>
    internal static readonly string[] ForwardedHeaders =
    [
        ForwardedProto, ForwardedFor, ForwardedHost, ForwardedPort, "X-Forwarded-Server", ForwardedUri, ForwardedMethod,
        "X-Forwarded-Tls-Client-Cert", "X-Forwarded-Tls-Client-Cert-Info",
    ];

    private static readonly FrozenSet<string> s_forwarded = ForwardedHeaders.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Hop-by-hop headers are not sent (Proxy-Authorization is: the authentication server may want it), nor the framing
    /// and Host headers, which belong to the new request.
    /// </summary>
    private static readonly FrozenSet<string> s_skipped = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Trailers", "Transfer-Encoding", "Upgrade", "Host",
        "Content-Length", "HTTP2-Settings");

    public static HttpRequestMessage Build(HttpContext context, ForwardAuthSettings settings, HttpContent? content)
    {
        var request = context.Request;
        var message = new HttpRequestMessage(settings.PreserveRequestMethod ? new HttpMethod(request.Method) : HttpMethod.Get, settings.Address)
        {
            Content = content,
        };

        // 1. The client's headers, minus hop-by-hop and Connection-nominated ones, filtered by authRequestHeaders.
        var connection = request.Headers.Connection;
        var allowed = settings.AuthRequestHeaders;
        foreach (var (name, values) in request.Headers)
        {
            if (s_skipped.Contains(name) || HeaderPolicy.IsPseudoHeader(name) || HeaderPolicy.IsNominated(connection, name)
                || (!settings.TrustForwardHeader && s_forwarded.Contains(name))
                || (allowed is not null && !allowed.Contains(name)))
            {
                continue;
            }

            // Content headers can only travel with a body; without one they are left out.
            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        // 2. Who asked for what: the X-Forwarded-* set, kept from the client only with trustForwardHeader.
        if (context.Connection.RemoteIpAddress is { } peer)
        {
            var ip = (peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer).ToString();
            var prior = settings.TrustForwardHeader && (allowed is null || allowed.Contains(ForwardedFor)) ? request.Headers[ForwardedFor] : StringValues.Empty;
            message.Headers.Remove(ForwardedFor);
            message.Headers.TryAddWithoutValidation(ForwardedFor, prior.Count == 0 ? ip : string.Join(", ", prior.ToArray()) + ", " + ip);
        }

        var isTls = request.IsHttps;
        SetIfMissing(message, ForwardedMethod, request.Method);
        SetIfMissing(message, ForwardedProto, isTls ? "https" : "http");
        SetIfMissing(message, ForwardedPort, Port(request.Host, message, isTls));
        SetIfMissing(message, ForwardedHost, request.Host.Value ?? string.Empty);
        SetIfMissing(message, ForwardedUri, RequestUri(context));
        return message;
    }

    /// <summary>The request URI after earlier middlewares (stripPrefix, replacePath...), escaped as Go's URL.RequestURI().</summary>
    private static string RequestUri(HttpContext context)
    {
        var request = context.Request;
        var path = DestinationUri.EscapePath(request.PathBase.Value + request.Path.Value);
        if (path.Length == 0)
        {
            // An asterisk-form or authority-form target keeps its raw form.
            path = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "/";
        }

        return path + request.QueryString.Value;
    }

    private static string Port(HostString host, HttpRequestMessage message, bool isTls)
    {
        if (host.Port is int port)
        {
            return port.ToString(CultureInfo.InvariantCulture);
        }

        var proto = message.Headers.TryGetValues(ForwardedProto, out var values) ? values.FirstOrDefault() : null;
        return proto is "https" or "wss" || isTls ? "443" : "80";
    }

    private static void SetIfMissing(HttpRequestMessage message, string name, string value)
    {
        if (!message.Headers.Contains(name))
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
