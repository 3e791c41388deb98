using Microsoft.AspNetCore.Http;

namespace Portico.Forwarding;

/// <summary>Streams one request to one backend and its response back. Never throws for network faults.</summary>
public interface IHttpForwarder
{
    /// <param name="context">The inbound request; its response is written (or left untouched when the result is an error before the response started).</param>
    /// <param name="destination">The server URL from <c>loadBalancer.servers[].url</c>, for example <c>http://10.0.0.1:8080/base</c>.</param>
    /// <param name="client">The pooled client of the service's servers transport.</param>
    /// <param name="options">Per-service forwarding options.</param>
    ValueTask<ProxyError> SendAsync(HttpContext context, Uri destination, HttpMessageInvoker client, ForwarderOptions options);
}

/// <summary>Per-service forwarding options, computed once when the configuration is built.</summary>
public sealed record ForwarderOptions
{
    public static readonly ForwarderOptions Default = new();

    /// <summary>Send the client's Host header to the backend (Traefik <c>passHostHeader</c>, default true).</summary>
    public bool PassHostHeader { get; init; } = true;

    /// <summary>Keep the server URL's path as a prefix of the request path (Traefik <c>preservePath</c>).</summary>
    public bool PreservePath { get; init; }

    /// <summary>How often buffered response data is flushed; negative flushes after every write (<c>responseForwarding.flushInterval</c>).</summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>0 means no limit (<c>forwardingTimeouts.responseHeaderTimeout</c>).</summary>
    public TimeSpan ResponseHeaderTimeout { get; init; }

    /// <summary>Offer HTTP/2 (h2c when the server URL scheme is <c>h2c</c>).</summary>
    public bool DisableHttp2 { get; init; }
}
