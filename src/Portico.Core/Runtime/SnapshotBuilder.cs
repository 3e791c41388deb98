using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Configuration.Static;
using Portico.Middlewares;
using Portico.Providers;
using Portico.Routing.Http;
using Portico.Routing.Rules;
using Portico.Services;
using Portico.Tls;

namespace Portico.Runtime;

/// <summary>
/// Compiles the merged configuration of all providers into a <see cref="RuntimeSnapshot"/>: every error is collected,
/// a broken item is disabled with its message, and everything else is built. Stateful parts (servers' health, pooled
/// clients, round-robin positions) are taken over from the previous snapshot when their configuration did not change.
/// </summary>
internal sealed partial class SnapshotBuilder
{
    private readonly StaticConfig _static;
    private readonly RuntimeDependencies _deps;
    private readonly InternalItems _internal;
    private readonly ILogger _logger;
    private readonly string[] _entryPointNames;
    private readonly string[] _defaultEntryPoints;
    private readonly RuleSyntax _defaultSyntax;
    private readonly Dictionary<string, RouterTlsConfig> _tlsEntryPoints;
    private long _generation;
    private MiddlewareStateStore? _middlewareState;

    public SnapshotBuilder(StaticConfig staticConfig, RuntimeDependencies deps, InternalItems internalItems)
    {
        _static = staticConfig;
        _deps = deps;
        _internal = internalItems;
        _logger = deps.LoggerFactory.CreateLogger("Portico.Runtime");
        var entryPoints = staticConfig.EntryPoints ?? new Dictionary<string, EntryPointConfig>();
        _entryPointNames = entryPoints.Where(e => !IsUdp(e.Value)).Select(e => e.Key).Order(StringComparer.Ordinal).ToArray();
        // Traefik's default entry points: those marked asDefault, or all when none is, never UDP ones nor "traefik".
        var anyDefault = entryPoints.Values.Any(e => e.AsDefault);
        _defaultEntryPoints = entryPoints
            .Where(e => (!anyDefault || e.Value.AsDefault) && !IsUdp(e.Value) && e.Key != InternalItems.TraefikEntryPoint)
            .Select(e => e.Key)
            .Order(StringComparer.Ordinal)
            .ToArray();
        // Every router on an entry point with http.tls is a TLS router: it inherits http.tls unless it has its own tls.
        _tlsEntryPoints = EntryPointTls(entryPoints);
        _defaultSyntax = string.Equals(staticConfig.Core?.DefaultRuleSyntax, "v2", StringComparison.OrdinalIgnoreCase) ? RuleSyntax.V2 : RuleSyntax.V3;
    }

    public RuntimeSnapshot Build(IReadOnlyList<ProviderSnapshot> providers, RuntimeSnapshot previous)
    {
        var merged = MergedConfig.From(providers.Append(_internal.Snapshot));
        foreach (var provider in providers)
        {
            WarnUnsupportedSections(provider, merged.ProviderErrors);
        }

        var previousState = previous.BuildState as BuildState;
        var tls = TlsRuntime.Build(MergeTls(providers, merged.ProviderErrors), merged.ProviderErrors);

        // 1. Transports, then services: routers need both.
        // Builds are serialised by the watcher, so the store of the build in progress can live in a field.
        _middlewareState = new MiddlewareStateStore(previousState?.Middlewares);
        var transports = BuildTransports(merged, previousState);
        var middlewareErrors = new Dictionary<string, List<ConfigError>>(StringComparer.Ordinal);
        var middlewareUsers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var services = BuildServices(merged, transports, previousState, middlewareErrors, middlewareUsers);

        // 2. Middlewares are built per router (each router gets its own instance, as in Traefik), but validated once.
        // 3. Routers: compile, check references, build one pipeline per entry point.
        var routes = _entryPointNames.ToDictionary(e => e, _ => new List<HttpRoute<RouteHandler>>(), StringComparer.Ordinal);
        var tlsRoutes = _entryPointNames.ToDictionary(e => e, _ => new List<HttpRoute<RouteHandler>>(), StringComparer.Ordinal);
        var routerInfos = new List<RouterInfo>(merged.Routers.Count);
        _routerTlsOptions = [];
        var serviceUsers = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, (provider, router)) in merged.Routers.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            routerInfos.Add(BuildRouter(name, provider, router, merged, services, middlewareErrors, middlewareUsers, serviceUsers, routes, tlsRoutes, tls));
        }

        tls = tls.WithRouterOptions(_routerTlsOptions, merged.ProviderErrors);

        // Middlewares no router uses are still validated, so their errors show in the API and in `portico check`.
        foreach (var name in merged.Middlewares.Keys)
        {
            if (!middlewareErrors.ContainsKey(name))
            {
                new MiddlewareBuild(this, merged, middlewareErrors, services.Built.GetValueOrDefault, null, null).Build(name);
            }
        }

        var tables = routes.ToFrozenDictionary(
            e => e.Key,
            e => new EntryPointRoutes(new HttpRouteTable<RouteHandler>(e.Value), new HttpRouteTable<RouteHandler>(tlsRoutes[e.Key])),
            StringComparer.Ordinal);

        var tcp = BuildTcp(merged, routerInfos, previousState?.TcpHealth);
        var udp = BuildUdp(merged);
        var status = new RuntimeStatus
        {
            Routers = routerInfos,
            TcpRouters = tcp.Routers,
            TcpServices = tcp.Services,
            UdpRouters = udp.Routers,
            UdpServices = udp.Services,
            Services = DescribeServices(merged, services, serviceUsers),
            Middlewares = DescribeMiddlewares(merged, middlewareErrors, middlewareUsers),
            ProviderErrors = merged.ProviderErrors,
        };

        foreach (var error in status.AllErrors)
        {
            if (error.Severity == ConfigSeverity.Error)
            {
                LogConfigError(_logger, error.ToString());
            }
            else
            {
                LogConfigWarning(_logger, error.ToString());
            }
        }

        _middlewareState.ReleasePrevious();
        return new RuntimeSnapshot
        {
            Generation = Interlocked.Increment(ref _generation),
            EntryPoints = tables,
            Tcp = tcp.Tables,
            TcpServices = tcp.Built,
            Udp = udp.Routes,
            Services = services.Built,
            Status = status,
            Tls = tls,
            BuildState = new BuildState(transports, services.State, _middlewareState) { TcpHealth = tcp.Health },
        };
    }

    private RouterInfo BuildRouter(
        string name,
        string provider,
        RouterConfig router,
        MergedConfig merged,
        ServiceBuild services,
        Dictionary<string, List<ConfigError>> middlewareErrors,
        Dictionary<string, List<string>> middlewareUsers,
        Dictionary<string, List<string>> serviceUsers,
        Dictionary<string, List<HttpRoute<RouteHandler>>> routes,
        Dictionary<string, List<HttpRoute<RouteHandler>>> tlsRoutes,
        TlsRuntime tls)
    {
        var item = $"router \"{name}\"";
        var errors = new List<ConfigError>();
        var warnings = new List<ConfigError>();
        var entryPoints = router.EntryPoints is { Count: > 0 } ? router.EntryPoints : _defaultEntryPoints;
        var info = new RouterInfo
        {
            Name = name,
            Provider = provider,
            Rule = router.Rule,
            RuleSyntax = router.RuleSyntax,
            Priority = router.Priority,
            EntryPoints = entryPoints.ToArray(),
            Middlewares = router.Middlewares,
            Service = router.Service,
            Tls = router.Tls is not null || entryPoints.Any(_tlsEntryPoints.ContainsKey),
            Location = router.Location,
        };

        // Entry points: unknown ones are dropped with an error; the router is disabled when none is left.
        var usable = new List<string>(entryPoints.Count);
        foreach (var entryPoint in entryPoints)
        {
            if (routes.ContainsKey(entryPoint))
            {
                usable.Add(entryPoint);
            }
            else
            {
                warnings.Add(new ConfigError(item, $"entryPoint \"{entryPoint}\" doesn't exist", router.Location));
            }
        }

        info = WithCertificates(info, router, usable) with { TlsEntryPoints = usable.Where(e => IsTlsOn(router, e)).ToArray() };
        CheckTls(item, router, tls, warnings);
        if (usable.Count == 0)
        {
            errors.Add(new ConfigError(item, "no valid entryPoint for this router", router.Location));
        }

        // Rule.
        CompiledRule? rule = null;
        if (string.IsNullOrWhiteSpace(router.Rule))
        {
            errors.Add(new ConfigError(item, "router has no rule", router.Location));
        }
        else
        {
            var syntax = ParseSyntax(router.RuleSyntax, item, router.Location, errors);
            if (!RuleCompiler.TryCompile(router.Rule, syntax, out rule, out var ruleError))
            {
                errors.Add(new ConfigError(item, $"invalid rule: {ruleError}", router.Location));
            }
            else
            {
                info = info with { RuleHosts = rule!.Hints.ExactHosts ?? [] };
            }
        }

        var observability = RouterObservability.Parse(router.Observability, item, router.Location, warnings);
        if (router.ParentRefs is not null)
        {
            warnings.Add(new ConfigError(item, "parentRefs is accepted, not yet supported by this Portico version", router.Location, ConfigSeverity.Warning));
        }

        // Service.
        IHttpService? service = null;
        if (string.IsNullOrEmpty(router.Service))
        {
            errors.Add(new ConfigError(item, "router has no service", router.Location));
        }
        else if (!services.Built.TryGetValue(router.Service, out service))
        {
            var why = merged.Services.ContainsKey(router.Service) ? "is disabled by its own errors" : "does not exist";
            errors.Add(new ConfigError(item, $"the service \"{router.Service}\" {why}", router.Location));
        }
        else
        {
            Add(serviceUsers, router.Service, name);
        }

        // Middlewares in Traefik's order: the entry point's, then the router's; the service runs its own (3.7) itself.
        var chains = new Dictionary<string, Func<RequestDelegate, RequestDelegate>[]>(StringComparer.Ordinal);
        foreach (var entryPoint in usable)
        {
            var names = EntryPointMiddlewares(entryPoint, provider).Concat(router.Middlewares).ToArray();
            var chain = new List<Func<RequestDelegate, RequestDelegate>>(names.Length);
            foreach (var middleware in names)
            {
                Add(middlewareUsers, middleware, name);
                var built = new MiddlewareBuild(this, merged, middlewareErrors, services.Built.GetValueOrDefault, _middlewareState, name).Build(middleware);
                if (built is null)
                {
                    var why = merged.Middlewares.ContainsKey(middleware) || _internal.Middlewares.ContainsKey(middleware) ? "is invalid" : "does not exist";
                    errors.Add(new ConfigError(item, $"middleware \"{middleware}\" {why}", router.Location));
                }
                else
                {
                    chain.Add(built);
                }
            }

            chains[entryPoint] = chain.ToArray();
        }

        var all = errors.Concat(warnings.Select(w => w with { Severity = ConfigSeverity.Warning })).Distinct().ToArray();
        if (errors.Count > 0 || rule is null || service is null)
        {
            return info with { Status = ItemStatus.Disabled, Errors = all };
        }

        var priority = router.Priority != 0 ? router.Priority : RulePriority.Default(router.Rule!);
        if (info.Tls && rule!.Hints.ExactHosts is { } hosts)
        {
            // TLS options are chosen per server name: this router's hosts ask for its options. As in Traefik, a router's
            // own tls section replaces the entry point's as a whole, so `tls: {}` means the "default" options; a router
            // inheriting the entry point's http.tls ("") gets the entry point's.
            var options = router.Tls is { } own ? (string.IsNullOrEmpty(own.Options) ? Tls.TlsRuntime.DefaultOptions : own.Options) : "";
            _routerTlsOptions.Add((name, hosts, options));
        }

        foreach (var entryPoint in usable)
        {
            RequestDelegate pipeline = service.HandleAsync;
            var chain = chains[entryPoint];
            for (var i = chain.Length - 1; i >= 0; i--)
            {
                pipeline = chain[i](pipeline);
            }

            var handler = new RouteHandler(name, router.Service!, pipeline) { Observability = observability.ResolveFor(_static.EntryPoints?.GetValueOrDefault(entryPoint)?.Observability) };
            (IsTlsOn(router, entryPoint) ? tlsRoutes : routes)[entryPoint].Add(new HttpRoute<RouteHandler>(name, rule!, priority, handler));
        }

        return info with { Priority = priority, Status = warnings.Count > 0 ? ItemStatus.Warning : ItemStatus.Enabled, Errors = all };
    }

    /// <summary>Sections that load (so a Traefik file still works) but are not served yet: say so once per provider.</summary>
    private static void WarnUnsupportedSections(ProviderSnapshot provider, List<ConfigError> errors)
    {
        if (provider.Config.Tcp?.Middlewares is { Count: > 0 } middlewares)
        {
            errors.Add(new ConfigError($"tcp.middlewares (provider {provider.Provider})", $"TCP middlewares ({string.Join(", ", middlewares.Keys)}) are accepted, not yet supported by this Portico version", SourceLocation.None, ConfigSeverity.Warning));
        }
    }

    private IEnumerable<string> EntryPointMiddlewares(string entryPoint, string provider)
    {
        if (_static.EntryPoints is null || !_static.EntryPoints.TryGetValue(entryPoint, out var config))
        {
            return [];
        }

        return config.Http.Middlewares.Select(m => MergedConfig.Qualify(m, provider));
    }

    private static RuleSyntax? ParseSyntaxOrNull(string? value) => value?.ToLowerInvariant() switch
    {
        null or "" => null,
        "v3" => RuleSyntax.V3,
        "v2" => RuleSyntax.V2,
        _ => (RuleSyntax?)(-1),
    };

    private RuleSyntax ParseSyntax(string? value, string item, SourceLocation location, List<ConfigError> errors)
    {
        var parsed = ParseSyntaxOrNull(value);
        if (parsed is null)
        {
            return _defaultSyntax;
        }

        if ((int)parsed.Value == -1)
        {
            errors.Add(new ConfigError(item, $"unknown ruleSyntax \"{value}\" (use v3 or v2)", location));
            return _defaultSyntax;
        }

        return parsed.Value;
    }

    private static bool IsUdp(EntryPointConfig entryPoint) =>
        entryPoint.Address?.EndsWith("/udp", StringComparison.OrdinalIgnoreCase) == true;

    private static void Add(Dictionary<string, List<string>> map, string key, string value)
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        if (!list.Contains(value))
        {
            list.Add(value);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Error}")]
    private static partial void LogConfigError(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Warning}")]
    private static partial void LogConfigWarning(ILogger logger, string warning);
}
