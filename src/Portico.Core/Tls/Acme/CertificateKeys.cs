using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portico.Tls.Acme;

/// <summary>
/// The private key of an issued certificate, by Traefik's <c>keyType</c> names (lego's certcrypto: EC256 → P-256,
/// EC384 → P-384, RSA2048/4096/8192 → RSA of that size), and the CSR signed with it.
/// </summary>
internal static class CertificateKeys
{
    /// <summary>A new key; an unknown name is an error (the configuration validator reports it before this runs).</summary>
    public static AsymmetricAlgorithm Create(string keyType) => keyType.ToUpperInvariant() switch
    {
        "EC256" => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        "EC384" => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        "RSA2048" => RSA.Create(2048),
        "RSA4096" => RSA.Create(4096),
        "RSA8192" => RSA.Create(8192),
        _ => throw new ArgumentException($"Unknown ACME key type \"{keyType}\" (EC256, EC384, RSA2048, RSA4096, RSA8192).", nameof(keyType)),
    };

    /// <summary>A CSR whose subject is the first name and whose SAN extension lists every name.</summary>
    public static byte[] CreateCsr(AsymmetricAlgorithm key, IReadOnlyList<string> dnsNames)
    {
        var subject = new X500DistinguishedName("CN=" + dnsNames[0]);
        var request = key switch
        {
            ECDsa ecdsa => new CertificateRequest(subject, ecdsa, ecdsa.KeySize > 256 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256),
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentException("Only ECDSA and RSA certificate keys are supported.", nameof(key)),
        };
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        return request.CreateSigningRequest();
    }
}
