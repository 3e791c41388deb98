using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Tcp.Health;
using Portico.Tcp.Services;

namespace Portico.Runtime;

internal sealed partial class SnapshotBuilder
{
    /// <summary>What a TCP load balancer's health state was built from: the next build keeps the state when it is equal.</summary>
    private sealed record TcpHealthKey(TcpLoadBalancerConfig Config, TcpTransportSettings Transport)
    {
        public bool SameAs(object other) =>
            other is TcpHealthKey old &&
            ConfigEquality.DeepEquals(old.Config, Config) &&
            old.Transport.DialTimeout == Transport.DialTimeout &&
            old.Transport.DialKeepAlive == Transport.DialKeepAlive &&
            ConfigEquality.DeepEquals(old.Transport.Tls?.Config, Transport.Tls?.Config);
    }

    /// <summary>
    /// The servers' health of a TCP load balancer: the previous build's when nothing it depends on changed (a server
    /// found down stays down across the reload), otherwise new, all up, with its checker started when configured.
    /// </summary>
    private TcpHealthState TcpHealth(string name, TcpLoadBalancerConfig config, TcpHealthCheckConfig? healthCheck, IReadOnlyList<TcpServerTarget> servers,
        TcpTransportSettings transport, TcpHealthStore? previous, TcpHealthStore next)
    {
        var key = new TcpHealthKey(config, transport);
        var state = previous?.Take(name, key.SameAs);
        if (state is null)
        {
            var health = servers.Select(s => new TcpServerHealth(s.Address)).ToArray();
            TcpHealthChecker? checker = null;
            if (healthCheck is not null)
            {
                // The probe dials as the proxied connections do: same address (or the check's port), same TLS.
                var probe = new TcpHealthProbe(healthCheck);
                var targets = servers.ToArray();
                var tls = targets.Select(s => s.Tls ? (transport.Tls ?? TcpBackendTls.Default).For(s.Host) : null).ToArray();
                checker = new TcpHealthChecker(name, healthCheck, health, (i, ct) => probe.ProbeAsync(targets[i].EndPoint, tls[i], ct),
                    _deps.Time, _deps.LoggerFactory.CreateLogger("Portico.Tcp.Health"));
                checker.Start();
            }

            state = new TcpHealthState(key, health, checker);
        }

        next.Add(name, state);
        return state;
    }

    /// <summary>Binds <c>loadBalancer.healthCheck</c>; errors name the option and disable the service.</summary>
    private static TcpHealthCheckConfig? BindTcpHealthCheck(ConfigNode? node, string item, SourceLocation location, List<ConfigError> errors)
    {
        if (node is null)
        {
            return null;
        }

        var bindErrors = new List<ConfigError>();
        var config = ConfigBinder.Bind<TcpHealthCheckConfig>(node, "healthCheck", bindErrors);
        foreach (var error in bindErrors)
        {
            errors.Add(new ConfigError(item, error.Message, error.Location == SourceLocation.None ? location : error.Location));
        }

        if (config.Port is < 0 or > 65535)
        {
            errors.Add(new ConfigError(item, $"healthCheck.port {config.Port} is not a port number", location));
        }

        if ((config.Send?.Length ?? 0) > TcpHealthCheckConfig.MaxPayloadSize || (config.Expect?.Length ?? 0) > TcpHealthCheckConfig.MaxPayloadSize)
        {
            errors.Add(new ConfigError(item, $"healthCheck.send and healthCheck.expect may hold at most {TcpHealthCheckConfig.MaxPayloadSize} bytes", location));
        }

        return config;
    }
}
