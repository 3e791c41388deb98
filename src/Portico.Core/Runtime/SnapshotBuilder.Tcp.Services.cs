using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Tcp.Services;

namespace Portico.Runtime;

internal sealed partial class SnapshotBuilder
{
    /// <summary>The TCP services of one build: the built ones, and every service's own errors (empty when enabled).</summary>
    private sealed class TcpServiceBuild(SnapshotBuilder builder, MergedConfig merged, IReadOnlyDictionary<string, TcpTransportSettings?> transports, Tcp.Health.TcpHealthStore? previousHealth)
    {
        /// <summary>The servers' health of this build's load balancers (kept by the next build when unchanged).</summary>
        public Tcp.Health.TcpHealthStore Health { get; } = new();

        public Dictionary<string, ITcpService> Built { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, List<ConfigError>> Errors { get; } = new(StringComparer.Ordinal);

        private readonly HashSet<string> _building = new(StringComparer.Ordinal);

        /// <summary>Builds <paramref name="name"/> (and the services it names) once; null when it is missing or broken.</summary>
        public ITcpService? Build(string name)
        {
            if (Built.TryGetValue(name, out var done))
            {
                return done;
            }

            if (Errors.ContainsKey(name) || !merged.TcpServices.TryGetValue(name, out var provided))
            {
                return null;
            }

            var item = $"TCP service \"{name}\"";
            var errors = new List<ConfigError>();
            if (!_building.Add(name))
            {
                Errors[name] = [new ConfigError(item, "weighted services form a cycle", provided.Config.Location)];
                return null;
            }

            var config = provided.Config;
            ITcpService? service = null;
            if ((config.LoadBalancer is null) == (config.Weighted is null))
            {
                errors.Add(new ConfigError(item, "a TCP service must have exactly one of loadBalancer and weighted", config.Location));
            }
            else if (config.LoadBalancer is { } lb)
            {
                service = LoadBalancer(name, provided.Provider, lb, item, config.Location, errors);
            }
            else
            {
                service = Weighted(name, provided.Provider, config.Weighted!, item, config.Location, errors);
            }

            _building.Remove(name);
            Errors[name] = errors;
            if (service is null || errors.Any(e => e.Severity == ConfigSeverity.Error))
            {
                return null;
            }

            Built[name] = service;
            return service;
        }

        private TcpLoadBalancer? LoadBalancer(string name, string provider, TcpLoadBalancerConfig lb, string item, SourceLocation location, List<ConfigError> errors)
        {
            var servers = new List<TcpServerTarget>(lb.Servers.Count);
            foreach (var server in lb.Servers)
            {
                if (server.Weight is < 0)
                {
                    errors.Add(new ConfigError(item, $"server \"{server.Address}\": weight must not be negative", location));
                }
                else if (!TcpServerTarget.TryParse(server.Address, server.Weight ?? 1, out var target, out var error))
                {
                    errors.Add(new ConfigError(item, error!, location));
                }
                else
                {
                    servers.Add(target! with { Tls = server.Tls });
                }
            }

            var healthCheck = BindTcpHealthCheck(lb.HealthCheck, item, location, errors);

            var transport = TcpTransportSettings.Default;
            if (!string.IsNullOrEmpty(lb.ServersTransport))
            {
                var transportName = MergedConfig.Qualify(lb.ServersTransport, provider);
                if (!transports.TryGetValue(transportName, out var named) || named is null)
                {
                    var why = named is null && transports.ContainsKey(transportName) ? "is invalid (see its errors)" : "does not exist";
                    errors.Add(new ConfigError(item, $"serversTransport \"{transportName}\" {why}", location));
                    return null;
                }

                // As Traefik v3: a named transport decides PROXY protocol alone; the service's deprecated option is ignored.
                transport = named;
            }
            else
            {
                transport = transports.GetValueOrDefault(DefaultTcpTransportName) ?? transport;
                if (lb.TerminationDelay is { } delay)
                {
                    // Traefik v2's place for it, still honoured when no servers transport is named.
                    transport = transport with { TerminationDelay = delay };
                }

                // Traefik v3 sends the service's deprecated proxyProtocol only when no servers transport is named.
                transport = transport with { ProxyProtocolVersion = 0 };
                if (lb.ProxyProtocol is { } proxyProtocol)
                {
                    errors.Add(new ConfigError(item, "loadBalancer.proxyProtocol is deprecated since Traefik v3: use serversTransport's proxyProtocol", location, ConfigSeverity.Warning));
                    if (proxyProtocol.Version is not (1 or 2))
                    {
                        errors.Add(new ConfigError(item, $"unknown proxyProtocol version {proxyProtocol.Version}: use 1 or 2", location));
                        return null;
                    }

                    transport = transport with { ProxyProtocolVersion = proxyProtocol.Version };
                }
            }

            if (errors.Any(e => e.Severity == ConfigSeverity.Error))
            {
                return null;
            }

            var logger = builder._deps.LoggerFactory.CreateLogger("Portico.Tcp");
            var health = builder.TcpHealth(name, lb, healthCheck, servers, transport, previousHealth, Health);
            return new TcpLoadBalancer(name, servers, transport, builder._deps.Time, logger, health.Servers);
        }

        private TcpWeightedService? Weighted(string name, string provider, TcpWeightedConfig weighted, string item, SourceLocation location, List<ConfigError> errors)
        {
            var children = new List<(ITcpService, int)>(weighted.Services.Count);
            foreach (var child in weighted.Services)
            {
                if (string.IsNullOrEmpty(child.Name))
                {
                    errors.Add(new ConfigError(item, "a weighted service entry has no name", location));
                    continue;
                }

                var childName = MergedConfig.Qualify(child.Name, provider);
                if (child.Weight is < 0)
                {
                    errors.Add(new ConfigError(item, $"service \"{childName}\": weight must not be negative", location));
                }
                else if (Build(childName) is { } built)
                {
                    children.Add((built, child.Weight ?? 1));
                    if (weighted.HealthCheck is not null && merged.TcpServices[childName].Config is { } childConfig
                        && childConfig.LoadBalancer?.HealthCheck is null && childConfig.Weighted?.HealthCheck is null)
                    {
                        errors.Add(new ConfigError(item, $"healthCheck is enabled but service \"{childName}\" has no health check to follow: it always counts as up", location, ConfigSeverity.Warning));
                    }
                }
                else
                {
                    var why = merged.TcpServices.ContainsKey(childName) ? "is disabled by its own errors" : "does not exist";
                    errors.Add(new ConfigError(item, $"the service \"{childName}\" {why}", location));
                }
            }

            return new TcpWeightedService(name, children, followHealth: weighted.HealthCheck is not null);
        }
    }

    private const string DefaultTcpTransportName = "default@internal";

    /// <summary>
    /// Resolves every <c>tcp.serversTransports</c> item (and the static <c>tcpServersTransport</c> as the default), with the
    /// PROXY protocol version it sends. A transport with an invalid <c>tls</c> section or an unknown PROXY protocol version
    /// is null: the services naming it are disabled.
    /// </summary>
    private Dictionary<string, TcpTransportSettings?> BuildTcpTransports(MergedConfig merged)
    {
        var transports = new Dictionary<string, TcpTransportSettings?>(StringComparer.Ordinal);
        var staticErrors = new List<ConfigError>();
        var defaults = ConfigBinder.Bind<TcpServersTransportConfig>(_static.TcpServersTransport, "tcpServersTransport", staticErrors);
        transports[DefaultTcpTransportName] = Settings(defaults, "tcpServersTransport", merged.ProviderErrors);
        foreach (var (name, (_, config)) in merged.TcpServersTransports)
        {
            var item = $"TCP serversTransport \"{name}\"";
            if (config.ProxyProtocol is { Version: not (1 or 2) } bad)
            {
                // Traefik refuses to build such a dialer; the services naming this transport are disabled.
                merged.ProviderErrors.Add(new ConfigError(item, $"unknown proxyProtocol version {bad.Version}: use 1 or 2", config.Location));
                transports[name] = null;
                continue;
            }

            transports[name] = Settings(config, item, merged.ProviderErrors);
        }

        return transports;
    }

    private static TcpTransportSettings? Settings(TcpServersTransportConfig config, string item, List<ConfigError> errors)
    {
        var tls = TcpBackendTls.Create(config.Tls, item, config.Location, errors);
        return tls is null
            ? null
            : new(config.DialTimeout, config.DialKeepAlive, config.TerminationDelay) { Tls = config.Tls is null ? null : tls, ProxyProtocolVersion = config.ProxyProtocol?.Version ?? 0 };
    }
}
