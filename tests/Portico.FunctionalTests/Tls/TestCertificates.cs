using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portico.FunctionalTests.Tls;

/// <summary>Self-signed certificates written as PEM files, as a user would hand them to Portico.</summary>
internal static class TestCertificates
{
    /// <summary>Creates a certificate for <paramref name="dnsNames"/> and writes <c>&lt;name&gt;.crt</c>/<c>.key</c>; returns the paths and the thumbprint.</summary>
    public static (string CertFile, string KeyFile, string Thumbprint) Write(string directory, string name, params string[] dnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsNames[0]}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames)
        {
            san.AddDnsName(dns);
        }

        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        var certFile = Path.Combine(directory, name + ".crt");
        var keyFile = Path.Combine(directory, name + ".key");
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certFile, keyFile, certificate.Thumbprint);
    }
}
