using System.Net.Security;
using Portico.Tls.Acme;

namespace Portico.Tls;

/// <summary>
/// What the ACME provider lends the HTTPS entry points for their handshakes: the pending TLS-ALPN-01 challenge
/// certificates, and on-demand issuance for names no certificate covers. Shared through <see cref="Runtime.RuntimeHolder"/>
/// because both live as long as the server, unlike a snapshot.
/// </summary>
internal sealed class TlsHandshakeHooks
{
    public InMemoryTlsAlpn01ChallengeStore AcmeTlsChallenges { get; } = new();

    /// <summary>Set by the server when a resolver has <c>onDemand</c>; null otherwise.</summary>
    public IOnDemandCertificates? OnDemand { get; set; }
}

/// <summary>On-demand TLS: obtains (or refuses) a certificate for a server name at its first handshake.</summary>
internal interface IOnDemandCertificates
{
    /// <summary>
    /// The certificate to serve for <paramref name="serverName"/> on <paramref name="entryPoint"/>, obtained now if the
    /// name is approved; null when it is refused, fails, or no on-demand resolver applies (the default certificate is served).
    /// </summary>
    ValueTask<SslStreamCertificateContext?> GetAsync(string serverName, string entryPoint, CancellationToken cancellationToken);
}
