using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;
using Portico.Tls;

namespace Portico.Forwarding;

/// <summary>
/// Translates the TLS fields of a servers transport into <see cref="SslClientAuthenticationOptions"/>. Every problem
/// is reported as a message; a transport with problems is not built, so the services using it report the message.
/// </summary>
internal static class BackendTls
{
    /// <summary>
    /// Fills the options every connection of the transport shares. The name sent in SNI and the certificate check
    /// depend on the server, so <see cref="BackendTlsConnector"/> sets them per server (see <see cref="Validation"/>).
    /// </summary>
    public static void Configure(SslClientAuthenticationOptions ssl, ServersTransportItemConfig config, List<string> errors)
    {
        ssl.EnabledSslProtocols = Protocols(config, errors);
        if (config.CipherSuites.Count > 0)
        {
            ssl.CipherSuitesPolicy = CipherSuites(config.CipherSuites, errors);
        }

        if (config.Certificates is { } node)
        {
            ssl.ClientCertificates = ClientCertificates(node, errors);
        }

        var roots = RootCAs(config.RootCAs, errors);
        if (roots is not null && !config.InsecureSkipVerify)
        {
            // rootCAs replaces the system roots, as in Go's tls.Config.RootCAs.
            ssl.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            ssl.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }
    }

    /// <summary>
    /// The certificate check of one server: as in Go, the chain must be trusted and the leaf must match
    /// <paramref name="expectedName"/> (serverName, or the server URL's host, IP addresses included) unless
    /// insecureSkipVerify is set; peerCertURI is checked in every case. The platform's own name check is not used
    /// because no SNI is sent for an IP address, which the platform would report as a mismatch.
    /// </summary>
    public static RemoteCertificateValidationCallback Validation(ServersTransportItemConfig config, string expectedName)
    {
        var insecure = config.InsecureSkipVerify;
        var uri = string.IsNullOrEmpty(config.PeerCertURI) ? null : config.PeerCertURI;
        return (_, certificate, _, policyErrors) =>
        {
            if (certificate is null)
            {
                return false;
            }

            var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            if (!insecure)
            {
                if ((policyErrors & ~SslPolicyErrors.RemoteCertificateNameMismatch) != SslPolicyErrors.None || !leaf.MatchesHostname(expectedName))
                {
                    return false;
                }
            }

            return uri is null || CertificateUris.Contains(leaf, uri);
        };
    }

    /// <summary>minVersion/maxVersion as in Traefik's TLS options; TLS 1.0 and 1.1 are disabled on modern platforms.</summary>
    private static SslProtocols Protocols(ServersTransportItemConfig config, List<string> errors)
    {
        var min = Version(config.MinVersion, 12, "minVersion", errors);
        var max = Version(config.MaxVersion, 13, "maxVersion", errors);
        if (max < min)
        {
            errors.Add($"maxVersion {config.MaxVersion} is lower than minVersion {config.MinVersion}");
            return SslProtocols.None;
        }

        return (min <= 12 && max >= 12 ? SslProtocols.Tls12 : SslProtocols.None) | (max >= 13 ? SslProtocols.Tls13 : SslProtocols.None);
    }

    private static int Version(string? value, int fallback, string option, List<string> errors)
    {
        switch (value)
        {
            case null or "":
                return fallback;
            case "VersionTLS12" or "VersionTLS10" or "VersionTLS11":
                // TLS 1.0 and 1.1 cannot be negotiated here: the lowest available version is 1.2.
                return 12;
            case "VersionTLS13":
                return 13;
            default:
                errors.Add($"unknown {option} \"{value}\" (use VersionTLS12 or VersionTLS13)");
                return fallback;
        }
    }

    /// <summary>Go's cipher suite names are the IANA names, except a few short aliases for ChaCha20.</summary>
    private static CipherSuitesPolicy? CipherSuites(IReadOnlyList<string> names, List<string> errors)
    {
        // As in Go, cipherSuites limits TLS 1.2 only: the TLS 1.3 suites always stay available.
        var suites = new List<TlsCipherSuite>(names.Count + 3)
        {
            TlsCipherSuite.TLS_AES_128_GCM_SHA256,
            TlsCipherSuite.TLS_AES_256_GCM_SHA384,
            TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        };
        foreach (var name in names)
        {
            var iana = name switch
            {
                "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305" => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305" => "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
                _ => name,
            };
            if (iana.StartsWith("TLS_", StringComparison.Ordinal) && Enum.TryParse<TlsCipherSuite>(iana, ignoreCase: false, out var suite))
            {
                suites.Add(suite);
            }
            else
            {
                errors.Add($"unknown cipher suite \"{name}\" in cipherSuites");
            }
        }

        if (OperatingSystem.IsWindows())
        {
            errors.Add("cipherSuites is not supported on this platform");
            return null;
        }

        return new CipherSuitesPolicy(suites);
    }

    private static X509CertificateCollection ClientCertificates(ConfigNode node, List<string> errors)
    {
        var configErrors = new List<ConfigError>();
        var certificates = ConfigBinder.Bind<List<CertificateConfig>>(node, "certificates", configErrors);
        var collection = new X509CertificateCollection();
        foreach (var certificate in certificates)
        {
            if (CertificateLoader.Load(certificate, "certificates", configErrors) is { } loaded)
            {
                collection.Add(loaded);
            }
        }

        foreach (var error in configErrors)
        {
            errors.Add(error.Message);
        }

        return collection;
    }

    /// <summary>Entries are file paths or inline PEM; null when none is configured.</summary>
    private static X509Certificate2Collection? RootCAs(IReadOnlyList<string> entries, List<string> errors)
    {
        if (entries.Count == 0)
        {
            return null;
        }

        var roots = new X509Certificate2Collection();
        foreach (var ca in entries)
        {
            var inline = ca.Contains("-----BEGIN", StringComparison.Ordinal);
            try
            {
                if (inline)
                {
                    roots.ImportFromPem(ca);
                }
                else
                {
                    roots.ImportFromPemFile(ca);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                errors.Add($"cannot load rootCAs entry {(inline ? "(inline PEM)" : $"\"{ca}\"")}: {ex.Message}");
            }
        }

        return roots;
    }
}
