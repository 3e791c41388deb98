using Portico.FunctionalTests.Infrastructure;
using Portico.Services;

namespace Portico.FunctionalTests.Services;

/// <summary>Reads a load balancer's live per-server health from the router's current snapshot.</summary>
internal static class ServerHealth
{
    public static bool IsHealthy(PorticoHost portico, string service, Uri server)
    {
        var balancer = (LoadBalancerService)portico.Runtime.Current.Services[service];
        return balancer.Servers.Single(s => s.Url.Port == server.Port).IsHealthy;
    }

    /// <summary>Waits until the health checks have put <paramref name="server"/> in the state wanted.</summary>
    public static Task WaitAsync(PorticoHost portico, string service, Uri server, bool healthy) =>
        Poll.UntilAsync(() => IsHealthy(portico, service, server) == healthy, $"{server} of {service} to be {(healthy ? "up" : "down")}");
}
