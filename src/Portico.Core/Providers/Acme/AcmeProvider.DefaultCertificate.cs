using Portico.Configuration.Dynamic;
using Portico.Runtime;

namespace Portico.Providers.Acme;

internal sealed partial class AcmeProvider
{
    /// <summary>
    /// What the resolvers are asked for: the HTTP routers' certificates, the TCP routers' (as Traefik: a TCP router with
    /// <c>tls.certResolver</c> asks for its <c>tls.domains</c>, or else its <c>HostSNI</c> names) and, when the default TLS
    /// store has a <c>defaultGeneratedCert</c>, its domain set, each presented to the resolver like one more router naming it.
    /// </summary>
    private static IReadOnlyList<RouterInfo> Demands(RuntimeSnapshot snapshot)
    {
        var demands = new List<RouterInfo>(snapshot.Status.Routers);
        foreach (var tcp in snapshot.Status.TcpRouters)
        {
            if (tcp.Tls?.CertResolver is { Length: > 0 } resolver)
            {
                demands.Add(new RouterInfo
                {
                    Name = tcp.Name,
                    Provider = tcp.Provider,
                    CertResolver = resolver,
                    TlsDomains = tcp.Tls.Domains,
                    RuleHosts = tcp.ServerNames,
                });
            }
        }

        if (snapshot.Tls.DefaultGenerated is { } wanted)
        {
            demands.Add(new RouterInfo
            {
                Name = "tls.stores.default.defaultGeneratedCert",
                Provider = ProviderName,
                CertResolver = wanted.Resolver,
                TlsDomains = [new TlsDomainConfig { Main = wanted.Domains[0], Sans = wanted.Domains.Skip(1).ToArray() }],
            });
        }

        return demands;
    }
}
