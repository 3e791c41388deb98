using Portico.Configuration.Dynamic;
using Portico.Forwarding;
using Portico.Services.Health;
using Portico.Services.LoadBalancing;
using Portico.Services.Sticky;

namespace Portico.Services;

internal sealed partial class ServiceBuilder
{
    private sealed partial class BuildRun
    {
        private LoadBalancerService? BuildLoadBalancer(string name, LoadBalancerConfig config, out string? error)
        {
            // 1. Validate before touching any state, so a bad configuration never disturbs the running one.
            var servers = new List<(Uri Url, ServerConfig Config)>();
            foreach (var server in config.Servers)
            {
                if (!TryParseServerUrl(server.Url, out var url))
                {
                    error = $"server URL \"{server.Url}\" is not an absolute http, https or h2c URL";
                    return null;
                }

                if (server.Weight is < 0)
                {
                    error = $"server \"{server.Url}\": weight must not be negative";
                    return null;
                }

                // Traefik ignores servers with a weight of 0.
                if (server.Weight != 0)
                {
                    servers.Add((url, server));
                }
            }

            var strategyName = string.IsNullOrEmpty(config.Strategy) ? "wrr" : config.Strategy.ToLowerInvariant();
            if (Array.IndexOf(LoadBalancingStrategies.Names, strategyName) < 0)
            {
                error = $"unknown load-balancing strategy \"{config.Strategy}\" (expected wrr, p2c, hrw or leasttime)";
                return null;
            }

            if (config.HealthCheck is { } hc && !string.Equals(hc.Mode, "http", StringComparison.OrdinalIgnoreCase) &&
                !string.Equals(hc.Mode, "grpc", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(hc.Mode))
            {
                error = $"unknown health check mode \"{hc.Mode}\" (expected http or grpc)";
                return null;
            }

            // 2. Resolve the transport: its client and the options it contributes.
            var transport = string.IsNullOrEmpty(config.ServersTransport) ? null : Qualify(config.ServersTransport, name);
            HttpMessageInvoker client;
            ForwarderOptions baseOptions;
            try
            {
                client = owner._clients(transport);
                baseOptions = owner._transportOptions?.Invoke(transport) ?? ForwarderOptions.Default;
            }
            catch (Exception ex) when (ex is KeyNotFoundException or ArgumentException or InvalidOperationException)
            {
                error = $"servers transport \"{transport}\": {ex.Message}";
                return null;
            }

            // 3. Keep the live state when nothing it was built from changed; otherwise build it anew.
            var state = previous?.TakeIfReusable(name, old =>
                ReferenceEquals(old.Client, client) && old.BaseOptions == baseOptions && ServiceConfigEquality.LoadBalancerEquals(old.State.Config, config));
            state ??= NewState(name, config, servers, client, baseOptions, strategyName);
            LoadBalancers[name] = new ReusableLoadBalancer(state, client, baseOptions);
            error = null;
            return new LoadBalancerService(state, owner._forwarder, client, owner._time, Logger);
        }

        private LoadBalancerState NewState(string name, LoadBalancerConfig config, List<(Uri Url, ServerConfig Config)> servers,
            HttpMessageInvoker client, ForwarderOptions baseOptions, string strategyName)
        {
            var states = new ServerState[servers.Count];
            for (var i = 0; i < servers.Count; i++)
            {
                var (url, server) = servers[i];
                var options = baseOptions with
                {
                    PassHostHeader = config.PassHostHeader,
                    PreservePath = server.PreservePath,
                    FlushInterval = config.ResponseForwarding.FlushInterval,
                };
                states[i] = new ServerState(url, server.Weight ?? 1, options) { Index = i };
            }

            var context = new StrategyContext(owner._time, config.SlowStart);
            var strategy = LoadBalancingStrategies.Create(strategyName, context, owner._random)!;
            var sticky = config.Sticky?.Cookie is { } cookie
                ? new StickySelector(new StickyCookie(cookie, name), Array.ConvertAll(states, s => s.UrlText))
                : null;
            var active = config.HealthCheck is { } hc
                ? new ActiveHealthChecker(name, hc, states, client, owner._time, owner._loggerFactory.CreateLogger("Portico.Services.Health"))
                : null;
            var passive = config.PassiveHealthCheck is { } phc ? new PassiveHealthTracker(phc, states, owner._time) : null;
            return new LoadBalancerState(name, config, states, strategy, sticky, active, passive, Logger);
        }

        private static bool TryParseServerUrl(string? text, out Uri url)
        {
            url = null!;
            if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.Host))
            {
                return false;
            }

            if (parsed.Scheme is not ("http" or "https" or "h2c"))
            {
                return false;
            }

            url = parsed;
            return true;
        }
    }
}
