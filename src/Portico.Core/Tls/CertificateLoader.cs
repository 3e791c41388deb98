using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Portico.Configuration;
using Portico.Configuration.Dynamic;

namespace Portico.Tls;

/// <summary>Loads PEM certificates given as file paths or inline PEM text, as Traefik's <c>certFile</c>/<c>keyFile</c> allow.</summary>
internal static class CertificateLoader
{
    /// <summary>Returns null (with an error naming the file) when the pair cannot be loaded: only that certificate is disabled.</summary>
    public static X509Certificate2? Load(CertificateConfig config, string item, List<ConfigError> errors)
    {
        if (string.IsNullOrWhiteSpace(config.CertFile) || string.IsNullOrWhiteSpace(config.KeyFile))
        {
            errors.Add(new ConfigError(item, "certFile and keyFile are both required", config.Location));
            return null;
        }

        try
        {
            var certPem = ReadPem(config.CertFile);
            var keyPem = ReadPem(config.KeyFile);
            using var loaded = X509Certificate2.CreateFromPem(certPem, keyPem);

            // SslStream on some platforms needs a certificate whose key is not ephemeral: round-trip through PKCS#12.
            return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            errors.Add(new ConfigError(item, $"cannot load certificate {Describe(config.CertFile)} with key {Describe(config.KeyFile)}: {ex.Message}", config.Location));
            return null;
        }
    }

    private static bool IsInlinePem(string value) => value.Contains("-----BEGIN", StringComparison.Ordinal);

    private static string ReadPem(string value) => IsInlinePem(value) ? value : File.ReadAllText(value);

    private static string Describe(string value) => IsInlinePem(value) ? "(inline PEM)" : $"\"{value}\"";

    /// <summary>Traefik's fallback certificate when no default certificate is configured.</summary>
    public static X509Certificate2 GenerateDefault()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=TRAEFIK DEFAULT CERT", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("TRAEFIK DEFAULT CERT");
        request.CertificateExtensions.Add(san.Build());
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>DNS names the certificate answers for: its SANs, or its CN when it has none (as Go's crypto/tls did for Traefik).</summary>
    public static List<string> Names(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames());
            }
        }

        if (names.Count == 0 && certificate.GetNameInfo(X509NameType.SimpleName, false) is { Length: > 0 } cn)
        {
            names.Add(cn);
        }

        return names;
    }
}
