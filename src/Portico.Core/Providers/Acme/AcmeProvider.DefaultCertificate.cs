using Portico.Configuration.Dynamic;
using Portico.Runtime;

namespace Portico.Providers.Acme;

internal sealed partial class AcmeProvider
{
    /// <summary>
    /// What the resolvers are asked for: the routers' certificates and, when the default TLS store has a
    /// <c>defaultGeneratedCert</c>, its domain set, presented to the resolver like one more router naming it.
    /// </summary>
    private static IReadOnlyList<RouterInfo> Demands(RuntimeSnapshot snapshot)
    {
        if (snapshot.Tls.DefaultGenerated is not { } wanted)
        {
            return snapshot.Status.Routers;
        }

        var store = new RouterInfo
        {
            Name = "tls.stores.default.defaultGeneratedCert",
            Provider = ProviderName,
            CertResolver = wanted.Resolver,
            TlsDomains = [new TlsDomainConfig { Main = wanted.Domains[0], Sans = wanted.Domains.Skip(1).ToArray() }],
        };
        return [.. snapshot.Status.Routers, store];
    }
}
