using Portico.Configuration.Static;
using Portico.Tls.Acme;
using Portico.Tls.Acme.Dns;

namespace Portico.Providers.Acme;

/// <summary>
/// The challenge solvers of one resolver, in order of preference: for each authorization the client uses the first
/// whose type the CA offers. DNS-01 comes first because it is the only one that can prove a wildcard.
/// </summary>
internal static class AcmeSolvers
{
    /// <param name="environment">The DNS providers' variables (lego's names); the process environment when null.</param>
    public static IReadOnlyList<IAcmeChallengeSolver> Create(AcmeResolverConfig config, IHttp01ChallengeStore http01, ITlsAlpn01ChallengeStore? tlsAlpn01 = null, TimeProvider? time = null, Func<string, string?>? environment = null)
    {
        var solvers = new List<IAcmeChallengeSolver>();
        if (config.DnsChallenge is { } dns)
        {
            solvers.Add(new Dns01ChallengeSolver(dns, environment ?? DnsProviderSettings.Process, time ?? TimeProvider.System));
        }

        // TLS-ALPN-01 before HTTP-01: it needs only the HTTPS port, which a resolver's routers use anyway.
        if (config.TlsChallenge is not null && tlsAlpn01 is not null)
        {
            solvers.Add(new TlsAlpn01ChallengeSolver(tlsAlpn01, time ?? TimeProvider.System));
        }

        if (config.HttpChallenge is not null)
        {
            solvers.Add(new Http01ChallengeSolver(http01));
        }

        return solvers;
    }
}
