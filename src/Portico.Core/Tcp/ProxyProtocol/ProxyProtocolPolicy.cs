using System.Net;
using Portico.Middlewares.SourceCriterion;

namespace Portico.Tcp.ProxyProtocol;

/// <summary>
/// An entry point's <c>proxyProtocol</c> block: whose PROXY headers are honoured. As in Traefik (go-proxyproto's USE and
/// IGNORE policies), every peer may send a header; only a trusted peer's header replaces the connection's addresses.
/// </summary>
internal sealed class ProxyProtocolPolicy
{
    private readonly IpRanges? _trusted;

    private ProxyProtocolPolicy(bool insecure, IpRanges? trusted)
    {
        Insecure = insecure;
        _trusted = trusted;
    }

    /// <summary><c>insecure: true</c>: every sender is trusted.</summary>
    public bool Insecure { get; }

    /// <summary>Builds the policy; null with the bad entry when a trusted IP is neither an address nor a CIDR.</summary>
    public static ProxyProtocolPolicy? Create(bool insecure, IReadOnlyList<string> trustedIPs, out string? bad)
    {
        bad = null;
        if (insecure)
        {
            return new ProxyProtocolPolicy(true, null);
        }

        var ranges = IpRanges.Parse(trustedIPs, out bad);
        return ranges is null ? null : new ProxyProtocolPolicy(false, ranges);
    }

    public bool Trusts(IPAddress? peer) => Insecure || (peer is not null && _trusted!.Contains(peer));
}
