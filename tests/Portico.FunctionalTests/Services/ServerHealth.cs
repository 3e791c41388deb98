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

    /// <summary>Waits until <c>/api/http/services/&lt;service&gt;</c> reports the server's <c>serverStatus</c> as wanted.</summary>
    public static Task WaitViaApiAsync(PorticoHost portico, string service, Uri server, string status) =>
        Poll.UntilAsync(
            async () =>
            {
                var item = await ApiClient.GetAsync(portico, "/api/http/services/" + Uri.EscapeDataString(service));
                return item?.TryGetProperty("serverStatus", out var servers) == true
                    && servers.TryGetProperty(server.ToString(), out var value)
                    && value.GetString() == status;
            },
            $"the API to show {server} of {service} {status}");

    /// <summary>Waits until the health checks have put <paramref name="server"/> in the state wanted.</summary>
    public static Task WaitAsync(PorticoHost portico, string service, Uri server, bool healthy) =>
        Poll.UntilAsync(() => IsHealthy(portico, service, server) == healthy, $"{server} of {service} to be {(healthy ? "up" : "down")}");
}
