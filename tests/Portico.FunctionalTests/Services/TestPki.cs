using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portico.FunctionalTests.Services;

/// <summary>A throwaway CA issuing server and client certificates, with PEM files in a temporary directory.</summary>
internal sealed class TestPki : IDisposable
{
    private readonly X509Certificate2 _ca;

    public TestPki()
    {
        Directory = Path.Combine(Path.GetTempPath(), "portico-pki-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Portico Test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        CaFile = Path.Combine(Directory, "ca.pem");
        File.WriteAllText(CaFile, _ca.ExportCertificatePem());
    }

    public string Directory { get; }

    public string CaFile { get; }

    /// <summary>A server certificate for the DNS names (127.0.0.1 is always added as an IP SAN unless <paramref name="withLoopbackIp"/> is false).</summary>
    public X509Certificate2 Server(string dnsName, string? uri = null, bool withLoopbackIp = true) =>
        Issue($"CN={dnsName}", dnsName, uri, withLoopbackIp, new Oid("1.3.6.1.5.5.7.3.1"));

    public X509Certificate2 Client(string commonName) => Issue($"CN={commonName}", null, null, false, new Oid("1.3.6.1.5.5.7.3.2"));

    /// <summary>Writes the certificate and its key as PEM files; returns their paths.</summary>
    public (string CertFile, string KeyFile) Write(X509Certificate2 certificate, string name)
    {
        var certFile = Path.Combine(Directory, name + ".crt");
        var keyFile = Path.Combine(Directory, name + ".key");
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return (certFile, keyFile);
    }

    public void Dispose()
    {
        _ca.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private X509Certificate2 Issue(string subject, string? dnsName, string? uri, bool withLoopbackIp, Oid usage)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        if (dnsName is not null)
        {
            san.AddDnsName(dnsName);
        }

        if (withLoopbackIp)
        {
            san.AddIpAddress(IPAddress.Loopback);
        }

        if (uri is not null)
        {
            san.AddUri(new Uri(uri));
        }

        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([usage], false));
        var serial = RandomNumberGenerator.GetBytes(12);
        using var issued = request.Create(_ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), serial);
        using var withKey = issued.CopyWithPrivateKey(key);

        // SslStream wants a key that is not ephemeral: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
