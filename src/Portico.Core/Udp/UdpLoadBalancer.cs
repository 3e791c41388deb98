namespace Portico.Udp;

/// <summary><c>udp.services.&lt;s&gt;.loadBalancer</c>: round robin over the servers, one pick per new session, as Traefik does.</summary>
internal sealed class UdpLoadBalancer(string name, IReadOnlyList<UdpServerTarget> servers) : IUdpService
{
    private readonly UdpServerTarget[] _servers = servers.ToArray();
    private uint _next;

    public string Name { get; } = name;

    public IReadOnlyList<UdpServerTarget> Servers => _servers;

    public UdpServerTarget? Next()
    {
        if (_servers.Length == 0)
        {
            return null;
        }

        // Unsigned so that the counter's wrap-around keeps the index positive.
        var index = (Interlocked.Increment(ref _next) - 1) % (uint)_servers.Length;
        return _servers[index];
    }
}
