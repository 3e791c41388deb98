using Portico.FunctionalTests.Infrastructure;

namespace Portico.FunctionalTests.Services;

/// <summary>Starts Portico with one catch-all router to one server URL, optionally through a named servers transport.</summary>
internal static class SingleRoute
{
    public static Task<PorticoHost> StartAsync(string serverUrl, string transport = "") => PorticoHost.StartAsync(LoadBalancingTests.Static, $"""
        http:
          routers:
            app:
              rule: "PathPrefix(`/`)"
              service: app
          services:
            app:
              loadBalancer:
                {(transport.Length > 0 ? "serversTransport: transport" : string.Empty)}
                servers:
                  - url: "{serverUrl}"
          serversTransports:
            transport:
              {(transport.Length > 0 ? transport : "maxIdleConnsPerHost: 10")}
        """);
}
