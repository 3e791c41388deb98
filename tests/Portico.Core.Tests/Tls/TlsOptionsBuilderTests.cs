using System.Net.Security;
using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Tls;

namespace Portico.Tests.Tls;

// CipherSuitesPolicy exists only on Linux and macOS, where these tests run.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TlsOptionsBuilderTests
{
    public static TheoryData<string, string, bool> CipherRows => new()
    {
        { "Go TLS 1.2 name", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", true },
        { "TLS 1.3 name", "TLS_AES_128_GCM_SHA256", true },
        { "Go ChaCha20 alias without _SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", true },
        { "IANA ChaCha20 name", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", true },
        { "unknown name", "TLS_FOO_WITH_BAR", false },
        { "number is not a name", "4865", false },
        { "lower case is not Go's spelling", "tls_aes_128_gcm_sha256", false },
    };

    [Theory]
    [MemberData(nameof(CipherRows))]
    public void CipherSuiteNames(string row, string name, bool valid)
    {
        _ = row;
        var errors = new List<ConfigError>();
        var settings = TlsOptionsBuilder.Build("o", new TlsOptionsConfig { CipherSuites = [name] }, errors);

        Assert.Equal(valid, settings.Valid);
        if (valid)
        {
            Assert.Empty(errors);
            Assert.NotNull(settings.CipherSuites);
            Assert.Contains(TlsCipherSuite.TLS_AES_128_GCM_SHA256, settings.CipherSuites!.AllowedCipherSuites);
        }
        else
        {
            var error = Assert.Single(errors);
            Assert.Equal(ConfigSeverity.Error, error.Severity);
            Assert.Contains($"\"{name}\"", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ListedTls13SuitesRestrictTls13()
    {
        var settings = TlsOptionsBuilder.Build("o", new TlsOptionsConfig { CipherSuites = ["TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"] }, []);

        Assert.Equal([TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256], settings.CipherSuites!.AllowedCipherSuites);
    }

    /// <summary>caFiles: "none", "missing" (a nonexistent path), "empty" (a file without a certificate) or "pem" (inline).</summary>
    public static TheoryData<string, string?, string, bool, bool, string?> ClientAuthRows => new()
    {
        { "no clientAuth type and no CA asks nothing", null, "none", true, false, null },
        { "NoClientCert", "NoClientCert", "none", true, false, null },
        { "RequestClientCert needs no CA", "RequestClientCert", "none", true, true, null },
        { "RequireAnyClientCert needs no CA", "RequireAnyClientCert", "none", true, true, null },
        { "VerifyClientCertIfGiven needs caFiles", "VerifyClientCertIfGiven", "none", false, false, "needs clientAuth.caFiles" },
        { "RequireAndVerifyClientCert needs caFiles", "RequireAndVerifyClientCert", "none", false, false, "needs clientAuth.caFiles" },
        { "unknown type", "RequireSomething", "none", false, false, "unknown clientAuth.clientAuthType \"RequireSomething\"" },
        { "missing CA file is named", "RequireAndVerifyClientCert", "missing", false, false, "\"/nonexistent/ca.crt\"" },
        { "a CA file without certificate", "RequireAndVerifyClientCert", "empty", false, false, "contains no PEM certificate" },
        { "inline PEM CA", "VerifyClientCertIfGiven", "pem", true, true, null },
        { "caFiles alone mean RequireAndVerifyClientCert", null, "pem", true, true, null },
    };

    [Theory]
    [MemberData(nameof(ClientAuthRows))]
    public void ClientAuthTypes(string row, string? type, string caFiles, bool valid, bool asks, string? error)
    {
        _ = row;
        var empty = Path.GetTempFileName();
        try
        {
            IReadOnlyList<string> files = caFiles switch
            {
                "missing" => ["/nonexistent/ca.crt"],
                "empty" => [empty],
                "pem" => [Ca()],
                _ => [],
            };
            var errors = new List<ConfigError>();
            var settings = TlsOptionsBuilder.Build("o", new TlsOptionsConfig { ClientAuth = new ClientAuthConfig { ClientAuthType = type, CaFiles = files } }, errors);

            Assert.Equal(valid, settings.Valid);
            Assert.Equal(asks, settings.AskClientCertificate);
            if (error is null)
            {
                Assert.Empty(errors);
            }
            else
            {
                Assert.Contains(error, Assert.Single(errors).Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(empty);
        }
    }

    [Theory]
    [InlineData("curvePreferences only warns", true)]
    [InlineData("disableSessionTickets turns resumption off", false)]
    public void CurvesWarnAndSessionTicketsMap(string row, bool curves)
    {
        _ = row;
        var errors = new List<ConfigError>();
        var settings = TlsOptionsBuilder.Build("o", curves ? new TlsOptionsConfig { CurvePreferences = ["CurveP521"] } : new TlsOptionsConfig { DisableSessionTickets = true }, errors);

        Assert.True(settings.Valid);
        if (curves)
        {
            Assert.Equal(ConfigSeverity.Warning, Assert.Single(errors).Severity);
        }
        else
        {
            Assert.Empty(errors);
            Assert.False(settings.AllowTlsResume);
            Assert.False(settings.Create(SslStreamCertificateContext.Create(TlsRuntime.Empty.DefaultCertificate, null, offline: true)).AllowTlsResume);
        }
    }

    private static string Ca()
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=ca", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.ExportCertificatePem();
    }
}
