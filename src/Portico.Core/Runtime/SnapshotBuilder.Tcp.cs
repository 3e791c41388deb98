using System.Collections.Frozen;
using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Routing.Rules;
using Portico.Tcp.Routing;

namespace Portico.Runtime;

internal sealed partial class SnapshotBuilder
{
    private sealed record TcpBuildResult(FrozenDictionary<string, TcpRouteTable> Tables, IReadOnlyList<TcpRouterInfo> Routers, IReadOnlyList<ServiceInfo> Services)
    {
        /// <summary>Every built TCP service by name (the API reads their servers' live health).</summary>
        public IReadOnlyDictionary<string, Tcp.Services.ITcpService> Built { get; init; } = new Dictionary<string, Tcp.Services.ITcpService>();

        public Tcp.Health.TcpHealthStore Health { get; init; } = new();
    }

    /// <summary>
    /// Builds the TCP routers and services: per entry point one <see cref="TcpRouteTable"/>, which also knows the HTTP
    /// routers serving TLS there (<paramref name="httpRouters"/>), because Traefik lets some of them win over TLS routes.
    /// </summary>
    private TcpBuildResult BuildTcp(MergedConfig merged, IReadOnlyList<RouterInfo> httpRouters, Tcp.Health.TcpHealthStore? previousHealth = null)
    {
        var services = new TcpServiceBuild(this, merged, BuildTcpTransports(merged), previousHealth);
        var plain = new Dictionary<string, List<TcpRoute>>(StringComparer.Ordinal);
        var tls = new Dictionary<string, List<TcpRoute>>(StringComparer.Ordinal);
        var users = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var routers = new List<TcpRouterInfo>(merged.TcpRouters.Count);
        foreach (var (name, (provider, router)) in merged.TcpRouters.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            routers.Add(BuildTcpRouter(name, provider, router, merged, services, users, plain, tls));
        }

        foreach (var name in merged.TcpServices.Keys)
        {
            services.Build(name);
        }

        // HTTP routers serving TLS on each entry point, and the exact hosts they name.
        var httpsHosts = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var router in httpRouters)
        {
            if (router.Status == ItemStatus.Disabled)
            {
                continue;
            }

            foreach (var entryPoint in router.TlsEntryPoints)
            {
                if (!httpsHosts.TryGetValue(entryPoint, out var hosts))
                {
                    httpsHosts[entryPoint] = hosts = new HashSet<string>(StringComparer.Ordinal);
                }

                foreach (var host in router.RuleHosts)
                {
                    hosts.Add(host.ToLowerInvariant().TrimEnd('.'));
                }
            }
        }

        var tables = new Dictionary<string, TcpRouteTable>(StringComparer.Ordinal);
        foreach (var entryPoint in plain.Keys.Union(tls.Keys))
        {
            var https = httpsHosts.GetValueOrDefault(entryPoint);
            tables[entryPoint] = new TcpRouteTable(
                plain.GetValueOrDefault(entryPoint) ?? [],
                tls.GetValueOrDefault(entryPoint) ?? [],
                https?.ToFrozenSet(StringComparer.Ordinal) ?? FrozenSet<string>.Empty,
                https is not null);
        }

        var serviceInfos = merged.TcpServices
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s =>
            {
                var errors = services.Errors.GetValueOrDefault(s.Key) ?? [];
                var status = !services.Built.ContainsKey(s.Key) ? ItemStatus.Disabled : errors.Count > 0 ? ItemStatus.Warning : ItemStatus.Enabled;
                return new ServiceInfo
                {
                    Name = s.Key,
                    Provider = s.Value.Provider,
                    Type = s.Value.Config.Weighted is not null ? "weighted" : "loadbalancer",
                    Status = status,
                    Errors = errors,
                    UsedBy = users.GetValueOrDefault(s.Key) ?? [],
                    TcpConfig = s.Value.Config,
                };
            })
            .ToArray();

        // Whatever the previous build still owns was removed or changed: stop its checks.
        previousHealth?.Dispose();
        return new TcpBuildResult(tables.ToFrozenDictionary(StringComparer.Ordinal), routers, serviceInfos) { Built = services.Built, Health = services.Health };
    }

    private TcpRouterInfo BuildTcpRouter(
        string name,
        string provider,
        TcpRouterConfig router,
        MergedConfig merged,
        TcpServiceBuild services,
        Dictionary<string, List<string>> users,
        Dictionary<string, List<TcpRoute>> plain,
        Dictionary<string, List<TcpRoute>> tls)
    {
        var item = $"TCP router \"{name}\"";
        var errors = new List<ConfigError>();
        var warnings = new List<ConfigError>();
        var entryPoints = router.EntryPoints is { Count: > 0 } ? router.EntryPoints : _defaultEntryPoints;
        var info = new TcpRouterInfo
        {
            Name = name,
            Provider = provider,
            Rule = router.Rule,
            RuleSyntax = router.RuleSyntax,
            Priority = router.Priority,
            EntryPoints = entryPoints.ToArray(),
            Middlewares = router.Middlewares,
            Service = router.Service,
            Tls = router.Tls,
            Location = router.Location,
        };

        var usable = entryPoints.Where(e => Array.IndexOf(_entryPointNames, e) >= 0).ToArray();
        foreach (var unknown in entryPoints.Except(usable))
        {
            warnings.Add(new ConfigError(item, $"entryPoint \"{unknown}\" doesn't exist", router.Location));
        }

        if (usable.Length == 0)
        {
            errors.Add(new ConfigError(item, "no valid entryPoint for this router", router.Location));
        }

        TcpCompiledRule? rule = null;
        if (string.IsNullOrWhiteSpace(router.Rule))
        {
            errors.Add(new ConfigError(item, "router has no rule", router.Location));
        }
        else if (!TcpRuleCompiler.TryCompile(router.Rule, ParseSyntax(router.RuleSyntax, item, router.Location, errors), out rule, out var ruleError))
        {
            errors.Add(new ConfigError(item, $"invalid rule: {ruleError}", router.Location));
        }
        else if (router.Tls is null && rule.UsesServerName)
        {
            // As in Traefik: only a TLS ClientHello carries a server name, so a cleartext router could never match it.
            errors.Add(new ConfigError(item, "invalid rule: HostSNI and HostSNIRegexp need a TLS router (add tls, or use HostSNI(`*`) for cleartext TCP)", router.Location));
        }

        var middlewares = BuildTcpMiddlewares(item, router, merged, errors, warnings);

        if (router.Tls?.CertResolver is { Length: > 0 } resolver && _static.CertificatesResolvers?.ContainsKey(resolver) != true)
        {
            warnings.Add(new ConfigError(item, $"tls.certResolver \"{resolver}\" is not defined in certificatesResolvers", router.Location, ConfigSeverity.Warning));
        }

        // The ACME provider reads these, as for HTTP routers: tls.domains, or else the rule's HostSNI names.
        info = info with { ServerNames = rule?.ServerNames ?? [] };

        Tcp.Services.ITcpService? service = null;
        if (string.IsNullOrEmpty(router.Service))
        {
            errors.Add(new ConfigError(item, "router has no service", router.Location));
        }
        else if ((service = services.Build(router.Service)) is null)
        {
            var why = merged.TcpServices.ContainsKey(router.Service) ? "is disabled by its own errors" : "does not exist";
            errors.Add(new ConfigError(item, $"the service \"{router.Service}\" {why}", router.Location));
        }
        else
        {
            Add(users, router.Service, name);
        }

        var all = errors.Concat(warnings.Select(w => w with { Severity = ConfigSeverity.Warning })).Distinct().ToArray();
        if (errors.Count > 0 || rule is null || service is null)
        {
            return info with { Status = ItemStatus.Disabled, Errors = all };
        }

        var priority = RulePriority.Effective(router.Rule!, router.Priority);
        var mode = router.Tls is null ? TcpTlsMode.None : router.Tls.Passthrough ? TcpTlsMode.Passthrough : TcpTlsMode.Terminate;
        var options = string.IsNullOrEmpty(router.Tls?.Options) ? Tls.TlsRuntime.DefaultOptions : router.Tls.Options;
        var route = new TcpRoute(name, rule, priority, mode, options, service) { Middlewares = middlewares };
        foreach (var entryPoint in usable)
        {
            var table = mode == TcpTlsMode.None ? plain : tls;
            if (!table.TryGetValue(entryPoint, out var list))
            {
                table[entryPoint] = list = [];
            }

            list.Add(route);
        }

        return info with { Priority = priority, Status = warnings.Count > 0 ? ItemStatus.Warning : ItemStatus.Enabled, Errors = all };
    }
}
