using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Tls;

namespace Portico.Tests.Tls;

public sealed class TlsRuntimeTests
{
    public static TheoryData<string, string?, bool, string?> Rows => new()
    {
        { "exact", "a.example.com", false, "CN=a.example.com" },
        { "exact ignores case", "A.Example.COM", false, "CN=a.example.com" },
        { "wildcard covers one label", "x.wild.test", false, "CN=*.wild.test" },
        { "wildcard does not cover the apex", "wild.test", false, "CN=TRAEFIK DEFAULT CERT" },
        { "no SNI gets the default", null, false, "CN=TRAEFIK DEFAULT CERT" },
        { "sniStrict refuses an unknown name", "other.test", true, null },
        { "sniStrict refuses a missing SNI", null, true, null },
        { "sniStrict serves a known name", "a.example.com", true, "CN=a.example.com" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void SelectsByServerName(string row, string? serverName, bool sniStrict, string? expectedSubject)
    {
        _ = row;
        var errors = new List<ConfigError>();
        var runtime = TlsRuntime.Build(
            new TlsConfig
            {
                Certificates = [Inline("a.example.com"), Inline("*.wild.test")],
                Options = new Dictionary<string, TlsOptionsConfig> { ["default"] = new() { SniStrict = sniStrict } },
            },
            errors);

        Assert.Empty(errors);
        var selected = runtime.Select(serverName, TlsRuntime.DefaultOptions);
        Assert.Equal(expectedSubject, selected?.ServerCertificateContext!.TargetCertificate.Subject);
    }

    [Fact]
    public void AMissingFileDisablesOnlyThatCertificateAndNamesTheFile()
    {
        var errors = new List<ConfigError>();
        var runtime = TlsRuntime.Build(
            new TlsConfig { Certificates = [new CertificateConfig { CertFile = "/nonexistent/x.crt", KeyFile = "/nonexistent/x.key" }, Inline("a.example.com")] },
            errors);

        var error = Assert.Single(errors);
        Assert.Contains("\"/nonexistent/x.crt\"", error.Message, StringComparison.Ordinal);
        Assert.Equal("CN=a.example.com", runtime.Select("a.example.com", TlsRuntime.DefaultOptions)!.ServerCertificateContext!.TargetCertificate.Subject);
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
