using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Tls;

namespace Portico.Tests.Tls;

public sealed class DefaultGeneratedCertTests
{
    private const string Generated = "CN=TRAEFIK DEFAULT CERT";

    public static TheoryData<string, string[], string, string, int> Rows => new()
    {
        { "the resolver's certificate becomes the default", ["a.example.com"], "{resolver: le, domain: {main: a.example.com}}", "CN=a.example.com", 0 },
        { "a wildcard covers the domain", ["*.wild.test"], "{resolver: le, domain: {main: x.wild.test}}", "CN=*.wild.test", 0 },
        { "main and sans must all be covered", ["a.example.com", "b.example.com"], "{resolver: le, domain: {main: a.example.com, sans: [b.example.com]}}", Generated, 0 },
        { "not obtained yet: the generated certificate", ["a.example.com"], "{resolver: le, domain: {main: b.example.com}}", Generated, 0 },
        { "no resolver: reported, generated certificate", ["a.example.com"], "{domain: {main: a.example.com}}", Generated, 1 },
        { "no domain: reported, generated certificate", ["a.example.com"], "{resolver: le}", Generated, 1 },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void TheDefaultCertificateIsTheResolversOnceItExists(string row, string[] certificates, string section, string expectedDefault, int expectedWarnings)
    {
        var errors = new List<ConfigError>();
        var node = YamlConfigReader.Read(section, "dynamic.yml", errors);
        var runtime = TlsRuntime.Build(
            new TlsConfig
            {
                Certificates = [.. certificates.Select(Inline)],
                Stores = new Dictionary<string, TlsStoreConfig> { ["default"] = new() { DefaultGeneratedCert = node } },
            },
            errors);

        Assert.True(expectedWarnings == errors.Count, $"{row}: {string.Join("; ", errors)}");
        Assert.True(expectedDefault == runtime.Select("unknown.test", TlsRuntime.DefaultOptions)!.ServerCertificateContext!.TargetCertificate.Subject, row);
        Assert.Equal(expectedWarnings == 0, runtime.WithRouterOptions([], errors).DefaultGenerated is not null);
    }

    [Fact]
    public void TheDomainsAreNormalisedForTheResolver()
    {
        var errors = new List<ConfigError>();
        var node = YamlConfigReader.Read("{resolver: le, domain: {main: A.Example.COM, sans: [a.example.com, ' b.example.com']}}", "dynamic.yml", errors);

        var parsed = DefaultGeneratedCert.Parse(node, "store", default, errors);

        Assert.Empty(errors);
        Assert.Equal("le", parsed!.Resolver);
        Assert.Equal(["a.example.com", "b.example.com"], parsed.Domains);
    }

    private static CertificateConfig Inline(string dnsName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return new CertificateConfig { CertFile = certificate.ExportCertificatePem(), KeyFile = key.ExportPkcs8PrivateKeyPem() };
    }
}
