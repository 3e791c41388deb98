using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Portico.Tls.Acme;

/// <summary>
/// TLS-ALPN-01 (RFC 8737): the CA opens a TLS connection to port 443 with SNI = the domain and ALPN <c>acme-tls/1</c>,
/// and expects a self-signed certificate for that domain carrying the SHA-256 of the key authorization in the critical
/// <c>id-pe-acmeIdentifier</c> extension. The HTTPS entry points answer such handshakes from the shared store.
/// </summary>
internal sealed class TlsAlpn01ChallengeSolver(ITlsAlpn01ChallengeStore store, TimeProvider time) : IAcmeChallengeSolver
{
    /// <summary>id-pe-acmeIdentifier (RFC 8737 §6.1).</summary>
    public const string AcmeIdentifierOid = "1.3.6.1.5.5.7.1.31";

    /// <summary>The RFC 8737 challenge type.</summary>
    public const string Type = "tls-alpn-01";

    public string ChallengeType => Type;

    public Task PresentAsync(AcmePendingChallenge challenge, CancellationToken cancellationToken)
    {
        store.Add(challenge.Domain, CreateCertificate(challenge.Domain, challenge.KeyAuthorization, time.GetUtcNow()));
        return Task.CompletedTask;
    }

    public Task CleanupAsync(AcmePendingChallenge challenge, CancellationToken cancellationToken)
    {
        store.Remove(challenge.Domain);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The challenge certificate: SAN = <paramref name="domain"/> only, and the critical acmeIdentifier extension whose
    /// value is the DER OCTET STRING of SHA-256(key authorization).
    /// </summary>
    public static X509Certificate2 CreateCertificate(string domain, string keyAuthorization, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + domain, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(domain);
        request.CertificateExtensions.Add(san.Build());

        // OCTET STRING (tag 0x04) of 32 bytes: short-form length, so the DER encoding is two header bytes and the hash.
        var value = new byte[2 + SHA256.HashSizeInBytes];
        value[0] = 0x04;
        value[1] = SHA256.HashSizeInBytes;
        SHA256.HashData(Encoding.ASCII.GetBytes(keyAuthorization), value.AsSpan(2));
        request.CertificateExtensions.Add(new X509Extension(new Oid(AcmeIdentifierOid), value, critical: true));

        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));

        // Reloaded from PKCS#12 so that the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }
}
