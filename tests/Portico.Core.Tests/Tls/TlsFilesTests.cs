using Portico.Configuration.Dynamic;
using Portico.Tls;

namespace Portico.Tests.Tls;

public sealed class TlsFilesTests
{
    [Fact]
    public void EveryFileTheTlsSectionReadsIsListedOnceAndAbsolute()
    {
        var config = new TlsConfig
        {
            Certificates =
            [
                new CertificateConfig { CertFile = "/certs/a.crt", KeyFile = "/certs/a.key" },
                new CertificateConfig { CertFile = "-----BEGIN CERTIFICATE-----\nMII...\n-----END CERTIFICATE-----", KeyFile = "relative.key" },
                new CertificateConfig { CertFile = "/certs/a.crt", KeyFile = "/certs/a.key" },
            ],
            Stores = new Dictionary<string, TlsStoreConfig>
            {
                ["default"] = new() { DefaultCertificate = new CertificateConfig { CertFile = "/certs/default.crt", KeyFile = "/certs/default.key" } },
            },
            Options = new Dictionary<string, TlsOptionsConfig>
            {
                ["mtls"] = new() { ClientAuth = new ClientAuthConfig { CaFiles = ["/ca/clients.pem", "-----BEGIN CERTIFICATE-----\n..."] } },
            },
        };

        string[] expected = ["/ca/clients.pem", "/certs/a.crt", "/certs/a.key", "/certs/default.crt", "/certs/default.key", Path.GetFullPath("relative.key")];
        Assert.Equal(expected.Order(StringComparer.Ordinal), TlsFiles.From(config));
    }

    [Fact]
    public void NoTlsSectionMeansNoFiles() => Assert.Empty(TlsFiles.From(null));
}
