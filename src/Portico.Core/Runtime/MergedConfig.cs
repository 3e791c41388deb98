using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Providers;

namespace Portico.Runtime;

/// <summary>An item of the merged configuration with the provider it came from.</summary>
internal readonly record struct Provided<T>(string Provider, T Config);

/// <summary>
/// Every provider's HTTP configuration in one namespace: names qualified as <c>name@provider</c> and references
/// (router services and middlewares) qualified with the provider of the item that makes them.
/// </summary>
internal sealed class MergedConfig
{
    public Dictionary<string, Provided<RouterConfig>> Routers { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Provided<ServiceConfig>> Services { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Provided<ConfigNode>> Middlewares { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Provided<ServersTransportItemConfig>> ServersTransports { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Provided<TcpRouterConfig>> TcpRouters { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Provided<TcpServiceConfig>> TcpServices { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Provided<ConfigNode>> TcpMiddlewares { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Provided<TcpServersTransportConfig>> TcpServersTransports { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Provided<UdpRouterConfig>> UdpRouters { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Provided<UdpServiceConfig>> UdpServices { get; } = new(StringComparer.Ordinal);

    public List<ConfigError> ProviderErrors { get; } = [];

    public static MergedConfig From(IEnumerable<ProviderSnapshot> providers)
    {
        var merged = new MergedConfig();
        foreach (var snapshot in providers)
        {
            merged.ProviderErrors.AddRange(snapshot.Errors);
            if (snapshot.Config.Tcp is { } tcp)
            {
                merged.AddTcp(tcp, snapshot.Provider);
            }

            if (snapshot.Config.Udp is { } udp)
            {
                merged.AddUdp(udp, snapshot.Provider);
            }

            var http = snapshot.Config.Http;
            if (http is null)
            {
                continue;
            }

            var provider = snapshot.Provider;
            foreach (var (name, router) in http.Routers)
            {
                merged.Routers[Qualify(name, provider)] = new(provider, router with
                {
                    Service = router.Service is null ? null : Qualify(router.Service, provider),
                    Middlewares = router.Middlewares.Select(m => Qualify(m, provider)).ToArray(),
                });
            }

            foreach (var (name, service) in http.Services)
            {
                merged.Services[Qualify(name, provider)] = new(provider, service);
            }

            foreach (var (name, middleware) in http.Middlewares)
            {
                merged.Middlewares[Qualify(name, provider)] = new(provider, middleware);
            }

            foreach (var (name, transport) in http.ServersTransports)
            {
                merged.ServersTransports[Qualify(name, provider)] = new(provider, transport);
            }
        }

        return merged;
    }

    private void AddTcp(TcpConfig tcp, string provider)
    {
        foreach (var (name, router) in tcp.Routers)
        {
            TcpRouters[Qualify(name, provider)] = new(provider, router with
            {
                Service = router.Service is null ? null : Qualify(router.Service, provider),
                Middlewares = router.Middlewares.Select(m => Qualify(m, provider)).ToArray(),
            });
        }

        foreach (var (name, service) in tcp.Services)
        {
            TcpServices[Qualify(name, provider)] = new(provider, service);
        }

        foreach (var (name, middleware) in tcp.Middlewares)
        {
            TcpMiddlewares[Qualify(name, provider)] = new(provider, middleware);
        }

        foreach (var (name, transport) in tcp.ServersTransports)
        {
            TcpServersTransports[Qualify(name, provider)] = new(provider, transport);
        }
    }

    private void AddUdp(UdpRoutingConfig udp, string provider)
    {
        foreach (var (name, router) in udp.Routers)
        {
            UdpRouters[Qualify(name, provider)] = new(provider, router with { Service = router.Service is null ? null : Qualify(router.Service, provider) });
        }

        foreach (var (name, service) in udp.Services)
        {
            UdpServices[Qualify(name, provider)] = new(provider, service);
        }
    }

    /// <summary>Adds the provider to a plain name; a name that already names one (<c>auth@file</c>) is kept.</summary>
    public static string Qualify(string name, string provider) =>
        name.Contains('@', StringComparison.Ordinal) ? name : name + "@" + provider;

    public static string ProviderOf(string qualifiedName)
    {
        var at = qualifiedName.LastIndexOf('@');
        return at < 0 ? string.Empty : qualifiedName[(at + 1)..];
    }
}
