using Portico.Configuration;
using Portico.Configuration.Dynamic;
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

    /// <summary>
    /// Only entry points with <c>http.tls</c> terminate TLS, and every router on them is a TLS router. A router with
    /// <c>tls</c> is served only over TLS, so its plain entry points are dropped with a warning (Traefik would terminate
    /// TLS on them as well; Portico needs <c>http.tls</c> on the entry point).
    /// </summary>
    private void CheckTls(string item, RouterConfig router, List<string> usable, TlsRuntime tls, List<ConfigError> warnings)
    {
        if (router.Tls is null)
        {
            return;
        }

        for (var i = usable.Count - 1; i >= 0; i--)
        {
            if (!_tlsEntryPoints.Contains(usable[i]))
            {
                warnings.Add(new ConfigError(item, $"entryPoint \"{usable[i]}\" does not terminate TLS (it has no http.tls), so this TLS router is not served on it", router.Location, ConfigSeverity.Warning));
                usable.RemoveAt(i);
            }
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
