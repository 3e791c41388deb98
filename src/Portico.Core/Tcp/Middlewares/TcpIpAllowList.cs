using System.Net;
using Portico.Middlewares.SourceCriterion;

namespace Portico.Tcp.Middlewares;

/// <summary>
/// Accepts only connections whose client address (after PROXY protocol) is in <c>sourceRange</c>; the others are closed
/// without a byte, as Traefik's TCP ipAllowList does.
/// </summary>
internal sealed class TcpIpAllowList(string name, IpRanges ranges) : ITcpMiddleware
{
    public string Name { get; } = name;

    public bool TryEnter(IPAddress? client) => client is not null && ranges.Contains(client);

    public void Leave(IPAddress? client)
    {
    }
}
