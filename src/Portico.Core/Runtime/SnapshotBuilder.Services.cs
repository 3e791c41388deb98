using Microsoft.AspNetCore.Http;
using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Forwarding;
using Portico.Middlewares;
using Portico.Services;

namespace Portico.Runtime;

internal sealed partial class SnapshotBuilder
{
    private const string DefaultTransportName = "default@internal";

    /// <summary>What the next build may take over: pooled clients by transport, and the services' live state.</summary>
    private sealed record BuildState(IReadOnlyDictionary<string, Transport> Transports, ServiceBuildResult Services, MiddlewareStateStore Middlewares)
    {
        /// <summary>The TCP load balancers' server health (and its checkers).</summary>
        public Tcp.Health.TcpHealthStore? TcpHealth { get; init; }
    }

    /// <summary>A transport whose configuration is invalid has no client; the services using it report <paramref name="Error"/>.</summary>
    private sealed record Transport(ServersTransportItemConfig Config, HttpMessageInvoker? Client, string? Error = null);

    /// <summary>Builds one pooled client per servers transport, keeping the previous client when the transport did not change.</summary>
    private Dictionary<string, Transport> BuildTransports(MergedConfig merged, BuildState? previous)
    {
        var configs = merged.ServersTransports.ToDictionary(t => t.Key, t => t.Value.Config, StringComparer.Ordinal);
        var defaults = _deps.DefaultTransport;
        configs[DefaultTransportName] = new ServersTransportItemConfig
        {
            InsecureSkipVerify = defaults.InsecureSkipVerify,
            RootCAs = defaults.RootCAs,
            MaxIdleConnsPerHost = defaults.MaxIdleConnsPerHost,
            ForwardingTimeouts = defaults.ForwardingTimeouts,
        };

        var transports = new Dictionary<string, Transport>(StringComparer.Ordinal);
        foreach (var (name, config) in configs)
        {
            if (previous?.Transports.TryGetValue(name, out var old) == true && ConfigEquality.DeepEquals(old.Config, config))
            {
                transports[name] = old;
                continue;
            }

            var client = ForwarderClientFactory.TryCreate(config, out var error);
            transports[name] = new Transport(config, client, error);
        }

        if (previous is not null)
        {
            // Requests still running on the previous snapshot may use a replaced client: close it once they are surely done.
            foreach (var (name, old) in previous.Transports)
            {
                if (old.Client is not null && (!transports.TryGetValue(name, out var kept) || !ReferenceEquals(kept.Client, old.Client)))
                {
                    _ = DisposeLaterAsync(old.Client);
                }
            }
        }

        return transports;
    }

    /// <summary>Stops what a snapshot started (health checks) when it is thrown away without being served, as <c>check</c> does.</summary>
    public static void Release(RuntimeSnapshot snapshot)
    {
        if (snapshot.BuildState is BuildState state)
        {
            state.Services.Dispose();
            state.TcpHealth?.Dispose();
            foreach (var transport in state.Transports.Values)
            {
                transport.Client?.Dispose();
            }
        }
    }

    private async Task DisposeLaterAsync(HttpMessageInvoker client)
    {
        await Task.Delay(TimeSpan.FromMinutes(5), _deps.Time).ConfigureAwait(false);
        client.Dispose();
    }

    private ServiceBuild BuildServices(
        MergedConfig merged,
        Dictionary<string, Transport> transports,
        BuildState? previous,
        Dictionary<string, List<ConfigError>> middlewareErrors,
        Dictionary<string, List<string>> middlewareUsers)
    {
        // Services reached by a service's own middlewares (errors pages) are looked up when a request needs them: the
        // final set of services does not exist yet while services are being built.
        Dictionary<string, IHttpService>? final = null;
        IHttpService? Lazy(string name) =>
            merged.Services.ContainsKey(name) || _internal.Services.ContainsKey(name)
                ? new DeferredService(name, () => final?.GetValueOrDefault(name))
                : null;

        var builder = new ServiceBuilder(
            _deps.Forwarder,
            name => !transports.TryGetValue(name ?? DefaultTransportName, out var transport)
                ? throw new KeyNotFoundException("does not exist")
                : transport.Client ?? throw new InvalidOperationException(transport.Error),
            _deps.Time,
            _deps.LoggerFactory,
            name => TransportOptions(transports[name ?? DefaultTransportName].Config))
        {
            Decorate = (name, config, service) => WithOwnMiddlewares(name, config, service, merged, middlewareErrors, middlewareUsers, Lazy),
        };

        var configs = merged.Services.ToDictionary(s => s.Key, s => s.Value.Config, StringComparer.Ordinal);
        var result = builder.Build(configs, previous?.Services);
        var built = new Dictionary<string, IHttpService>(result.Services, StringComparer.Ordinal);
        foreach (var (name, service) in _internal.Services)
        {
            built[name] = service;
        }

        final = built;

        var errors = new Dictionary<string, List<ConfigError>>(StringComparer.Ordinal);
        foreach (var error in result.Errors)
        {
            if (!errors.TryGetValue(error.ServiceName, out var list))
            {
                errors[error.ServiceName] = list = [];
            }

            var location = merged.Services.TryGetValue(error.ServiceName, out var provided) ? provided.Config.Location : SourceLocation.None;
            list.Add(new ConfigError($"service \"{error.ServiceName}\"", error.Message, location));
        }

        return new ServiceBuild(built, errors, result);
    }

    /// <summary>
    /// A service's own middlewares (Traefik 3.7), built once per service and run whenever the service handles a
    /// request, from a router or from a parent service.
    /// </summary>
    private (IHttpService? Service, string? Error) WithOwnMiddlewares(
        string name,
        ServiceConfig config,
        IHttpService service,
        MergedConfig merged,
        Dictionary<string, List<ConfigError>> middlewareErrors,
        Dictionary<string, List<string>> middlewareUsers,
        Func<string, IHttpService?> resolveService)
    {
        if (config.Middlewares.Count == 0)
        {
            return (service, null);
        }

        var provider = MergedConfig.ProviderOf(name);
        var build = new MiddlewareBuild(this, merged, middlewareErrors, resolveService, _middlewareState, $"{name} (service)");
        var chain = new List<Func<RequestDelegate, RequestDelegate>>(config.Middlewares.Count);
        foreach (var reference in config.Middlewares)
        {
            var middleware = MergedConfig.Qualify(reference, provider);
            Add(middlewareUsers, middleware, name);
            var built = build.Build(middleware);
            if (built is null)
            {
                var why = merged.Middlewares.ContainsKey(middleware) || _internal.Middlewares.ContainsKey(middleware) ? "is invalid" : "does not exist";
                return (null, $"middleware \"{middleware}\" {why}");
            }

            chain.Add(built);
        }

        return (new MiddlewareService(service, chain.ToArray()), null);
    }

    private static ForwarderOptions TransportOptions(ServersTransportItemConfig transport) => ForwarderOptions.Default with
    {
        ResponseHeaderTimeout = transport.ForwardingTimeouts.ResponseHeaderTimeout,
        DisableHttp2 = transport.DisableHTTP2,
    };

    private static List<ServiceInfo> DescribeServices(MergedConfig merged, ServiceBuild services, Dictionary<string, List<string>> users)
    {
        var infos = new List<ServiceInfo>(merged.Services.Count);
        foreach (var (name, (provider, config)) in merged.Services.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var errors = services.Errors.GetValueOrDefault(name) ?? [];
            var built = services.Built.ContainsKey(name);

            infos.Add(new ServiceInfo
            {
                Name = name,
                Provider = provider,
                Type = ServiceType(config),
                Status = !built ? ItemStatus.Disabled : errors.Count > 0 ? ItemStatus.Warning : ItemStatus.Enabled,
                Errors = errors,
                UsedBy = users.GetValueOrDefault(name) ?? [],
                Config = config,
            });
        }

        foreach (var name in services.Built.Keys.Where(k => k.EndsWith("@internal", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            infos.Add(new ServiceInfo { Name = name, Provider = InternalItems.Provider, Type = "internal", UsedBy = users.GetValueOrDefault(name) ?? [] });
        }

        return infos;
    }

    private static string ServiceType(ServiceConfig config) =>
        config.LoadBalancer is not null ? "loadbalancer"
        : config.Weighted is not null ? "weighted"
        : config.Mirroring is not null ? "mirroring"
        : config.Failover is not null ? "failover"
        : config.HighestRandomWeight is not null ? "highestrandomweight"
        : "unknown";

    private static List<MiddlewareInfo> DescribeMiddlewares(MergedConfig merged, Dictionary<string, List<ConfigError>> errors, Dictionary<string, List<string>> users)
    {
        var infos = new List<MiddlewareInfo>(merged.Middlewares.Count);
        foreach (var (name, (provider, node)) in merged.Middlewares.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            var own = errors.GetValueOrDefault(name) ?? [];
            infos.Add(new MiddlewareInfo
            {
                Name = name,
                Provider = provider,
                Type = node.Kind == ConfigNodeKind.Mapping && node.Entries.Count == 1 ? node.Entries[0].Key : null,
                Status = own.Exists(e => e.Severity == ConfigSeverity.Error) ? ItemStatus.Disabled : own.Count > 0 ? ItemStatus.Warning : ItemStatus.Enabled,
                Errors = own,
                UsedBy = users.GetValueOrDefault(name) ?? [],
                Config = node,
            });
        }

        return infos;
    }

    /// <summary>The services of one build, with their errors and the state to hand to the next build.</summary>
    private sealed record ServiceBuild(IReadOnlyDictionary<string, IHttpService> Built, Dictionary<string, List<ConfigError>> Errors, ServiceBuildResult State);
}
