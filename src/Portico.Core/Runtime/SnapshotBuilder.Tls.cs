using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Configuration.Static;
using Portico.Providers;
using Portico.Tls;

namespace Portico.Runtime;

internal sealed partial class SnapshotBuilder
{
    /// <summary>The enabled TLS routers' hosts and TLS options of the build in progress (builds are serialised).</summary>
    private List<(string Router, IReadOnlyList<string> Hosts, string Options)> _routerTlsOptions = [];

    /// <summary>All providers' <c>tls</c> sections in one: certificates concatenated, options and stores by name (first wins).</summary>
    private static TlsConfig? MergeTls(IReadOnlyList<ProviderSnapshot> providers, List<ConfigError> errors)
    {
        var sections = new List<(string, DynamicConfig)>();
        foreach (var provider in providers)
        {
            if (provider.Config.Tls is { } tls)
            {
                sections.Add((provider.Provider, new DynamicConfig { Tls = tls }));
            }
        }

        return sections.Count switch
        {
            0 => null,
            1 => sections[0].Item2.Tls,
            _ => DynamicConfigLoader.Merge(sections, errors).Tls,
        };
    }

    /// <summary>Each entry point's <c>http.tls</c>, which has the shape of a router's <c>tls</c> section.</summary>
    private static Dictionary<string, RouterTlsConfig> EntryPointTls(IReadOnlyDictionary<string, EntryPointConfig> entryPoints)
    {
        var result = new Dictionary<string, RouterTlsConfig>(StringComparer.Ordinal);
        foreach (var (name, entryPoint) in entryPoints)
        {
            if (entryPoint.Http.Tls is { } node)
            {
                // Binding problems of the static configuration are reported by its validator.
                result[name] = ConfigBinder.Bind<RouterTlsConfig>(node, $"entryPoints.{name}.http.tls", []) ?? new RouterTlsConfig();
            }
        }

        return result;
    }

    /// <summary>
    /// Whether the router answers TLS requests on <paramref name="entryPoint"/> (and then only those): it has its own
    /// <c>tls</c>, or the entry point has <c>http.tls</c> (Traefik copies it into the routers that have none).
    /// </summary>
    private bool IsTlsOn(RouterConfig router, string entryPoint) => router.Tls is not null || _tlsEntryPoints.ContainsKey(entryPoint);

    /// <summary>
    /// The resolver and domains the ACME provider reads for the router: its own <c>tls</c> section when it has one (it
    /// wins as a whole, as in Traefik), else the <c>http.tls</c> of the first of its entry points that names a resolver.
    /// </summary>
    private RouterInfo WithCertificates(RouterInfo info, RouterConfig router, List<string> entryPoints)
    {
        if (router.Tls is { } own)
        {
            return info with { CertResolver = own.CertResolver, TlsDomains = own.Domains };
        }

        foreach (var entryPoint in entryPoints)
        {
            if (_tlsEntryPoints.TryGetValue(entryPoint, out var inherited) && !string.IsNullOrEmpty(inherited.CertResolver))
            {
                return info with { CertResolver = inherited.CertResolver, TlsDomains = inherited.Domains };
            }
        }

        return info;
    }

    private void CheckTls(string item, RouterConfig router, TlsRuntime tls, List<ConfigError> warnings)
    {
        if (router.Tls is null)
        {
            return;
        }

        var options = router.Tls.Options;
        if (!string.IsNullOrEmpty(options) && !tls.HasOptions(options.Split('@')[0]))
        {
            warnings.Add(new ConfigError(item, $"tls.options \"{options}\": these TLS options do not exist; the default TLS options apply", router.Location, ConfigSeverity.Warning));
        }

        if (router.Tls.CertResolver is { } resolver && _static.CertificatesResolvers?.ContainsKey(resolver) != true)
        {
            warnings.Add(new ConfigError(item, $"tls.certResolver \"{resolver}\" is not defined in certificatesResolvers", router.Location, ConfigSeverity.Warning));
        }
    }
}
