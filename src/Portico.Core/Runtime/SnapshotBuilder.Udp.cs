using System.Collections.Frozen;
using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Static;
using Portico.Tcp.Services;
using Portico.Udp;

namespace Portico.Runtime;

internal sealed partial class SnapshotBuilder
{
    private sealed record UdpBuildResult(FrozenDictionary<string, UdpRoute> Routes, IReadOnlyList<UdpRouterInfo> Routers, IReadOnlyList<ServiceInfo> Services);

    /// <summary>
    /// Builds the UDP routers and services. A UDP router has no rule, so an entry point can use only one: as in Traefik,
    /// when several valid routers name the same entry point, the one whose qualified name sorts last serves it and the
    /// others get a warning there.
    /// </summary>
    private UdpBuildResult BuildUdp(MergedConfig merged)
    {
        var udpEntryPoints = (_static.EntryPoints ?? new Dictionary<string, EntryPointConfig>())
            .Where(e => IsUdp(e.Value))
            .Select(e => e.Key)
            .Order(StringComparer.Ordinal)
            .ToArray();
        var services = new UdpServiceBuild(merged);
        var users = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var candidates = new List<(UdpRouterInfo Info, UdpRoute Route)>();
        var infos = new Dictionary<string, UdpRouterInfo>(StringComparer.Ordinal);
        foreach (var (name, (provider, router)) in merged.UdpRouters.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var (info, route) = BuildUdpRouter(name, provider, router, udpEntryPoints, merged, services, users);
            infos[name] = info;
            if (route is not null)
            {
                candidates.Add((info, route));
            }
        }

        foreach (var name in merged.UdpServices.Keys)
        {
            services.Build(name);
        }

        // One router per entry point: the last by name wins (Traefik sorts the names in descending order and takes the first).
        var routes = new Dictionary<string, UdpRoute>(StringComparer.Ordinal);
        var used = infos.Keys.ToDictionary(n => n, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var entryPoint in udpEntryPoints)
        {
            var onEntryPoint = candidates.Where(c => c.Info.EntryPoints.Contains(entryPoint)).OrderByDescending(c => c.Info.Name, StringComparer.Ordinal).ToArray();
            if (onEntryPoint.Length == 0)
            {
                continue;
            }

            routes[entryPoint] = onEntryPoint[0].Route;
            used[onEntryPoint[0].Info.Name].Add(entryPoint);
            foreach (var (other, _) in onEntryPoint.Skip(1))
            {
                var message = $"entryPoint \"{entryPoint}\" is served by UDP router \"{onEntryPoint[0].Info.Name}\": a UDP entry point uses one router (the last by name, as in Traefik)";
                infos[other.Name] = infos[other.Name] with
                {
                    Status = ItemStatus.Warning,
                    Errors = [.. infos[other.Name].Errors, new ConfigError($"UDP router \"{other.Name}\"", message, other.Location, ConfigSeverity.Warning)],
                };
            }
        }

        var routers = infos.Values.Select(i => i.Status == ItemStatus.Disabled ? i : i with { Using = used[i.Name] }).ToArray();
        var serviceInfos = merged.UdpServices
            .OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s =>
            {
                var errors = services.Errors.GetValueOrDefault(s.Key) ?? [];
                return new ServiceInfo
                {
                    Name = s.Key,
                    Provider = s.Value.Provider,
                    Type = s.Value.Config.Weighted is not null ? "weighted" : "loadbalancer",
                    Status = !services.Built.ContainsKey(s.Key) ? ItemStatus.Disabled : errors.Count > 0 ? ItemStatus.Warning : ItemStatus.Enabled,
                    Errors = errors,
                    UsedBy = users.GetValueOrDefault(s.Key) ?? [],
                    UdpConfig = s.Value.Config,
                };
            })
            .ToArray();

        return new UdpBuildResult(routes.ToFrozenDictionary(StringComparer.Ordinal), routers, serviceInfos);
    }

    private static (UdpRouterInfo Info, UdpRoute? Route) BuildUdpRouter(
        string name,
        string provider,
        UdpRouterConfig router,
        string[] udpEntryPoints,
        MergedConfig merged,
        UdpServiceBuild services,
        Dictionary<string, List<string>> users)
    {
        var item = $"UDP router \"{name}\"";
        var errors = new List<ConfigError>();
        var warnings = new List<ConfigError>();

        // Traefik gives a UDP router without entryPoints every UDP entry point.
        var entryPoints = router.EntryPoints is { Count: > 0 } ? router.EntryPoints : udpEntryPoints;
        var usable = entryPoints.Where(e => Array.IndexOf(udpEntryPoints, e) >= 0).Distinct().ToArray();
        foreach (var unknown in entryPoints.Except(usable))
        {
            warnings.Add(new ConfigError(item, $"entryPoint \"{unknown}\" doesn't exist (or is not a UDP entry point)", router.Location, ConfigSeverity.Warning));
        }

        if (usable.Length == 0)
        {
            errors.Add(new ConfigError(item, "no valid entryPoint for this router", router.Location));
        }

        IUdpService? service = null;
        if (string.IsNullOrEmpty(router.Service))
        {
            errors.Add(new ConfigError(item, "the service is missing on the UDP router", router.Location));
        }
        else if ((service = services.Build(router.Service)) is null)
        {
            var why = merged.UdpServices.ContainsKey(router.Service) ? "is disabled by its own errors" : "does not exist";
            errors.Add(new ConfigError(item, $"the service \"{router.Service}\" {why}", router.Location));
        }
        else
        {
            Add(users, router.Service, name);
        }

        var info = new UdpRouterInfo
        {
            Name = name,
            Provider = provider,
            EntryPoints = usable,
            Service = router.Service,
            Location = router.Location,
            Errors = errors.Concat(warnings).ToArray(),
        };

        if (errors.Count > 0 || service is null)
        {
            return (info with { EntryPoints = entryPoints.ToArray(), Status = ItemStatus.Disabled }, null);
        }

        return (info with { Status = warnings.Count > 0 ? ItemStatus.Warning : ItemStatus.Enabled }, new UdpRoute(name, service));
    }

    /// <summary>The UDP services of one build: the built ones, and every service's own errors (empty when enabled).</summary>
    private sealed class UdpServiceBuild(MergedConfig merged)
    {
        private readonly HashSet<string> _building = new(StringComparer.Ordinal);

        public Dictionary<string, IUdpService> Built { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, List<ConfigError>> Errors { get; } = new(StringComparer.Ordinal);

        public IUdpService? Build(string name)
        {
            if (Built.TryGetValue(name, out var done))
            {
                return done;
            }

            if (Errors.ContainsKey(name) || !merged.UdpServices.TryGetValue(name, out var provided))
            {
                return null;
            }

            var item = $"UDP service \"{name}\"";
            var config = provided.Config;
            if (!_building.Add(name))
            {
                Errors[name] = [new ConfigError(item, "weighted services form a cycle", config.Location)];
                return null;
            }

            var errors = new List<ConfigError>();
            IUdpService? service = null;
            if ((config.LoadBalancer is null) == (config.Weighted is null))
            {
                errors.Add(new ConfigError(item, "a UDP service must have exactly one of loadBalancer and weighted", config.Location));
            }
            else if (config.LoadBalancer is { } lb)
            {
                service = LoadBalancer(name, lb, item, config, errors);
            }
            else
            {
                service = Weighted(name, provided.Provider, config.Weighted!, item, config, errors);
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

        private static UdpLoadBalancer LoadBalancer(string name, UdpLoadBalancerConfig lb, string item, UdpServiceConfig config, List<ConfigError> errors)
        {
            var servers = new List<UdpServerTarget>(lb.Servers.Count);
            foreach (var server in lb.Servers)
            {
                // UDP addresses are written exactly like TCP ones (host:port).
                if (TcpServerTarget.TryParse(server.Address, 1, out var target, out var error))
                {
                    servers.Add(new UdpServerTarget(target!.Address, target.EndPoint));
                }
                else
                {
                    errors.Add(new ConfigError(item, error!, config.Location));
                }
            }

            if (lb.Servers.Count == 0)
            {
                errors.Add(new ConfigError(item, "the load balancer has no server: new sessions are dropped", config.Location, ConfigSeverity.Warning));
            }

            return new UdpLoadBalancer(name, servers);
        }

        private UdpWeightedService Weighted(string name, string provider, UdpWeightedConfig weighted, string item, UdpServiceConfig config, List<ConfigError> errors)
        {
            var children = new List<(IUdpService, int)>(weighted.Services.Count);
            foreach (var child in weighted.Services)
            {
                if (string.IsNullOrEmpty(child.Name))
                {
                    errors.Add(new ConfigError(item, "a weighted service entry has no name", config.Location));
                    continue;
                }

                var childName = MergedConfig.Qualify(child.Name, provider);
                if (child.Weight is < 0)
                {
                    errors.Add(new ConfigError(item, $"service \"{childName}\": weight must not be negative", config.Location));
                }
                else if (Build(childName) is { } built)
                {
                    children.Add((built, child.Weight ?? 1));
                }
                else
                {
                    var why = merged.UdpServices.ContainsKey(childName) ? "is disabled by its own errors" : "does not exist";
                    errors.Add(new ConfigError(item, $"the service \"{childName}\" {why}", config.Location));
                }
            }

            return new UdpWeightedService(name, children);
        }
    }
}
