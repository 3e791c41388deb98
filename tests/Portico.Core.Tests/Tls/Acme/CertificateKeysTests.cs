using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Portico.Tls.Acme;

namespace Portico.Tests.Tls.Acme;

public sealed class CertificateKeysTests
{
    [Theory]
    [InlineData("EC256", "ECDSA", 256)]
    [InlineData("EC384", "ECDSA", 384)]
    [InlineData("ec384 in lower case", "ECDSA", 384)]
    [InlineData("RSA2048", "RSA", 2048)]
    [InlineData("RSA4096", "RSA", 4096)]
    [InlineData("RSA8192", "RSA", 8192)]
    public void Key_type_names_map_to_Traefiks_key_sizes(string keyType, string algorithm, int size)
    {
        // KeySize does not generate the key, so the large RSA sizes cost nothing here.
        using var key = CertificateKeys.Create(keyType.Split(' ')[0]);

        Assert.Equal(algorithm, key is ECDsa ? "ECDSA" : key is RSA ? "RSA" : key.GetType().Name);
        Assert.Equal(size, key.KeySize);
    }

    [Fact]
    public void An_unknown_key_type_is_refused()
    {
        Assert.Throws<ArgumentException>(() => CertificateKeys.Create("EC521"));
    }

    [Theory]
    [InlineData("EC384")]
    [InlineData("RSA2048")]
    public void The_CSR_is_signed_by_the_key_and_names_every_domain(string keyType)
    {
        using var key = CertificateKeys.Create(keyType);

        var csr = CertificateKeys.CreateCsr(key, ["a.example", "b.example"]);

        // Loading verifies the CSR's self-signature with its public key.
        var request = CertificateRequest.LoadSigningRequest(csr, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        Assert.Equal("CN=a.example", request.SubjectName.Name);
        var san = Assert.IsType<X509SubjectAlternativeNameExtension>(Assert.Single(request.CertificateExtensions), exactMatch: false);
        Assert.Equal(["a.example", "b.example"], san.EnumerateDnsNames());
    }
}
