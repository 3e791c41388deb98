using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Portico.Configuration.Dynamic;
using Portico.Forwarding;

namespace Portico.Tests.Forwarding;

public sealed class BackendTlsTests
{
    [Theory]
    [InlineData("defaults", null, null, SslProtocols.Tls12 | SslProtocols.Tls13)]
    [InlineData("TLS 1.3 only", "VersionTLS13", null, SslProtocols.Tls13)]
    [InlineData("TLS 1.2 only", null, "VersionTLS12", SslProtocols.Tls12)]
    [InlineData("TLS 1.0 raised to 1.2", "VersionTLS10", null, SslProtocols.Tls12 | SslProtocols.Tls13)]
    public void VersionsMapToSslProtocols(string scenario, string? min, string? max, SslProtocols expected)
    {
        _ = scenario;
        using var client = ForwarderClientFactory.Create(new ServersTransportItemConfig { MinVersion = min, MaxVersion = max });

        Assert.Equal(expected, client.Connector.Template.EnabledSslProtocols);
    }

    [Theory]
    [InlineData("unknown version", "VersionTLS14", null, null, "unknown minVersion \"VersionTLS14\"")]
    [InlineData("max below min", "VersionTLS13", "VersionTLS12", null, "maxVersion VersionTLS12 is lower than minVersion VersionTLS13")]
    [InlineData("unknown cipher suite", null, null, "TLS_FOO", "unknown cipher suite \"TLS_FOO\"")]
    [InlineData("numeric cipher suite", null, null, "49199", "unknown cipher suite \"49199\"")]
    public void InvalidOptionsAreReported(string scenario, string? min, string? max, string? suite, string expected)
    {
        _ = scenario;
        var config = new ServersTransportItemConfig { MinVersion = min, MaxVersion = max, CipherSuites = suite is null ? [] : [suite] };

        var client = ForwarderClientFactory.TryCreate(config, out var error);

        Assert.Null(client);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => ForwarderClientFactory.Create(config));
    }

    [Theory]
    [InlineData("Go name", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")]
    [InlineData("Go short ChaCha20 alias", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305")]
    public void KnownCipherSuitesAreAccepted(string scenario, string suite)
    {
        _ = scenario;
        using var client = ForwarderClientFactory.TryCreate(new ServersTransportItemConfig { CipherSuites = [suite] }, out var error);

        Assert.Null(error);
        Assert.NotNull(client);
    }

    [Theory]
    [InlineData("present", "spiffe://example.org/backend", true)]
    [InlineData("other URI", "spiffe://example.org/other", false)]
    [InlineData("prefix only", "spiffe://example.org", false)]
    public void CertificateUrisAreReadFromTheSubjectAlternativeNames(string scenario, string uri, bool expected)
    {
        _ = scenario;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=backend", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("backend.internal");
        san.AddUri(new Uri("spiffe://example.org/backend"));
        request.CertificateExtensions.Add(san.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        Assert.Equal(expected, CertificateUris.Contains(certificate, uri));
    }
}
