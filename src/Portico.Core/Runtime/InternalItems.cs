using Microsoft.AspNetCore.Http;
using Portico.Api;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Static;
using Portico.Providers;
using Portico.Providers.Acme;
using Portico.Services;
using Portico.Tls.Acme;

namespace Portico.Runtime;

/// <summary>
/// The routers, services and middlewares Portico adds itself (provider <c>internal</c>), as Traefik does: the API and
/// dashboard on the <c>traefik</c> entry point when <c>api.insecure</c> is set, ping, and entry-point redirections.
/// </summary>
internal sealed class InternalItems
{
    public const string Provider = "internal";
    public const string TraefikEntryPoint = "traefik";

    public required ProviderSnapshot Snapshot { get; init; }

    public required IReadOnlyDictionary<string, IHttpService> Services { get; init; }

    public required IReadOnlyDictionary<string, Func<RequestDelegate, RequestDelegate>> Middlewares { get; init; }

    public static InternalItems Create(StaticConfig config, RuntimeHolder holder, Lifecycle lifecycle, IHttp01ChallengeStore? challenges = null, Providers.Acme.AcmeStatusBoard? acmeStatus = null)
    {
        var routers = new Dictionary<string, RouterConfig>(StringComparer.Ordinal);
        var middlewares = new Dictionary<string, Func<RequestDelegate, RequestDelegate>>(StringComparer.Ordinal);
        var services = new Dictionary<string, IHttpService>(StringComparer.Ordinal)
        {
            ["noop@internal"] = new NoopService(),
        };

        if (config.Api is { } api)
        {
            var basePath = api.BasePath.TrimEnd('/');
            services["api@internal"] = new ApiService(holder, config, acmeStatus);
            if (api.Dashboard)
            {
                services["dashboard@internal"] = new DashboardService(basePath);
            }

            if (api.Insecure)
            {
                routers["api"] = new RouterConfig
                {
                    EntryPoints = [TraefikEntryPoint],
                    Rule = $"PathPrefix(`{basePath}/api`)",
                    Priority = int.MaxValue - 1,
                    Service = "api@internal",
                };
                if (api.Dashboard)
                {
                    routers["dashboard"] = new RouterConfig
                    {
                        EntryPoints = [TraefikEntryPoint],
                        Rule = $"PathPrefix(`{basePath}/`)",
                        Priority = int.MaxValue - 2,
                        Service = "dashboard@internal",
                    };
                }
            }
        }

        if (config.Ping is { } ping)
        {
            services["ping@internal"] = new PingService(lifecycle, ping.TerminatingStatusCode);
            if (!ping.ManualRouting)
            {
                routers["ping"] = new RouterConfig
                {
                    EntryPoints = [ping.EntryPoint],
                    Rule = "PathPrefix(`/ping`)",
                    Priority = int.MaxValue - 1,
                    Service = "ping@internal",
                };
            }
        }

        AddAcmeHttpChallenge(config, challenges, routers, services);
        foreach (var (name, entryPoint) in config.EntryPoints ?? new Dictionary<string, EntryPointConfig>())
        {
            if (entryPoint.Http.Redirections?.EntryPoint is not { To: { Length: > 0 } to } redirect)
            {
                continue;
            }

            var port = TargetPort(config, to);
            var middleware = $"redirect-{name}-to-{to.TrimStart(':')}";
            middlewares[middleware + "@internal"] = EntryPointRedirect.Create(redirect.Scheme, port, redirect.Permanent);
            routers[$"{name}-to-{to.TrimStart(':')}"] = new RouterConfig
            {
                EntryPoints = [name],
                Rule = "HostRegexp(`^.+$`)",
                Priority = redirect.Priority,
                Middlewares = [middleware + "@internal"],
                Service = "noop@internal",
            };
        }

        return new InternalItems
        {
            Snapshot = new ProviderSnapshot(Provider, new DynamicConfig { Http = new HttpConfig { Routers = routers } }, []),
            Services = services,
            Middlewares = middlewares,
        };
    }

    /// <summary>
    /// HTTP-01 answers on every entry point a resolver names in <c>httpChallenge.entryPoint</c>. The priority is above
    /// the redirection routers' (MaxInt-1), so an HTTP-to-HTTPS redirection never catches the CA's request.
    /// </summary>
    private static void AddAcmeHttpChallenge(StaticConfig config, IHttp01ChallengeStore? challenges, Dictionary<string, RouterConfig> routers, Dictionary<string, IHttpService> services)
    {
        var entryPoints = (config.CertificatesResolvers?.Values ?? [])
            .Select(r => r.Acme?.HttpChallenge?.EntryPoint)
            .OfType<string>()
            .Where(e => config.EntryPoints?.ContainsKey(e) == true)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        if (challenges is null || entryPoints.Count == 0)
        {
            return;
        }

        services[Http01ChallengeService.ServiceName] = new Http01ChallengeService(challenges);
        routers["acme-http"] = new RouterConfig
        {
            EntryPoints = entryPoints,
            Rule = $"PathPrefix(`{InMemoryHttp01ChallengeStore.PathPrefix}`)",
            Priority = int.MaxValue,
            Service = Http01ChallengeService.ServiceName,
        };
    }

    /// <summary>The port of the target entry point (<c>websecure</c>) or of a bare port (<c>:443</c>).</summary>
    private static int? TargetPort(StaticConfig config, string to)
    {
        var address = to.StartsWith(':') ? to : config.EntryPoints?.GetValueOrDefault(to)?.Address;
        if (address is null)
        {
            return null;
        }

        var colon = address.LastIndexOf(':');
        var slash = address.IndexOf('/', StringComparison.Ordinal);
        var portText = slash > colon ? address[(colon + 1)..slash] : address[(colon + 1)..];
        return int.TryParse(portText, out var port) ? port : null;
    }
}
