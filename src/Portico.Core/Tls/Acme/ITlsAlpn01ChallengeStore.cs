using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Portico.Tls.Acme;

/// <summary>
/// Pending TLS-ALPN-01 challenges: domain → challenge certificate. The HTTPS entry points answer a handshake that offers
/// ALPN <c>acme-tls/1</c> for one of these names with its certificate while the CA validates.
/// </summary>
internal interface ITlsAlpn01ChallengeStore
{
    void Add(string domain, X509Certificate2 certificate);

    void Remove(string domain);
}

/// <summary>The in-process store; enough because the process that asks the CA also serves port 443.</summary>
internal sealed class InMemoryTlsAlpn01ChallengeStore : ITlsAlpn01ChallengeStore
{
    /// <summary>The ALPN protocol of the validation handshake (RFC 8737 §6.2).</summary>
    public static readonly SslApplicationProtocol AcmeTls = new("acme-tls/1");

    private readonly ConcurrentDictionary<string, SslServerAuthenticationOptions> _challenges = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether no challenge is pending: the entry points then skip looking at the client's ALPN list.</summary>
    public bool IsEmpty => _challenges.IsEmpty;

    public void Add(string domain, X509Certificate2 certificate) => _challenges[domain] = new SslServerAuthenticationOptions
    {
        ServerCertificateContext = SslStreamCertificateContext.Create(certificate, null, offline: true),

        // Only acme-tls/1 is negotiated: the CA closes the connection after the handshake, no HTTP follows.
        ApplicationProtocols = [AcmeTls],
    };

    public void Remove(string domain) => _challenges.TryRemove(domain, out _);

    public bool TryGet(string? domain, out SslServerAuthenticationOptions options)
    {
        if (string.IsNullOrEmpty(domain) || _challenges.IsEmpty)
        {
            options = null!;
            return false;
        }

        return _challenges.TryGetValue(domain, out options!);
    }
}
