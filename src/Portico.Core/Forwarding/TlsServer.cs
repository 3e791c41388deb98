using System.Globalization;

namespace Portico.Forwarding;

/// <summary>An https server URL as the TLS handler is addressed: its endpoint, the http authority and the Host header.</summary>
internal sealed class TlsServer(Uri url, TlsEndpoint endpoint)
{
    public TlsEndpoint Endpoint { get; } = endpoint;

    /// <summary>host:port with the port always written, since the http default (80) is not the https one.</summary>
    public string WireAuthority { get; } = string.Concat(url.Host, ":", url.Port.ToString(CultureInfo.InvariantCulture));

    /// <summary>The Host header the handler would have derived from the https URL (the port only when not 443).</summary>
    public string HostHeader { get; } = url.Authority;
}
