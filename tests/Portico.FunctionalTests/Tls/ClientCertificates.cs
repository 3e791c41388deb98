using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Portico.FunctionalTests.Tls;

/// <summary>A private CA written as a PEM file (for <c>clientAuth.caFiles</c>) that issues client certificates.</summary>
internal sealed class ClientCertificates : IDisposable
{
    private readonly ECDsa _caKey;
    private readonly X509Certificate2 _ca;

    private ClientCertificates(ECDsa caKey, X509Certificate2 ca, string caFile)
    {
        _caKey = caKey;
        _ca = ca;
        CaFile = caFile;
    }

    public string CaFile { get; }

    /// <summary>Creates the CA <c>CN=<paramref name="name"/></c> and writes it to <c>&lt;name&gt;.crt</c>.</summary>
    public static ClientCertificates CreateCa(string directory, string name)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var now = DateTimeOffset.UtcNow;
        var ca = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        var caFile = Path.Combine(directory, name + ".crt");
        File.WriteAllText(caFile, ca.ExportCertificatePem());
        return new ClientCertificates(key, ca, caFile);
    }

    /// <summary>A client certificate <c>CN=<paramref name="commonName"/></c> with its private key, signed by this CA.</summary>
    public X509Certificate2 Issue(string commonName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}, O=Portico Tests", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = DateTimeOffset.UtcNow;
        using var issued = request.Create(_ca, now.AddDays(-1), now.AddDays(10), RandomNumberGenerator.GetBytes(8));
        using var withKey = issued.CopyWithPrivateKey(key);

        // SslStream on Linux needs a key that is not ephemeral: round-trip through PKCS#12.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
    }
}
