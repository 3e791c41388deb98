using System.Net.Security;
using System.Security.Authentication;
using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;

namespace Portico.Tls;

/// <summary>Translates Traefik's <c>tls.options</c> into what <see cref="SslStream"/> takes.</summary>
internal static class TlsOptionsBuilder
{
    private static readonly List<SslApplicationProtocol> DefaultAlpn = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    /// <summary>
    /// The handshake settings of one option set. <see cref="TlsHandshakeSettings.Valid"/> is false when an option is an
    /// error (unknown cipher suite, unreadable caFiles, ...): that option set then refuses handshakes rather than serve
    /// with weaker settings than configured.
    /// </summary>
    public static TlsHandshakeSettings Build(string name, TlsOptionsConfig options, List<ConfigError> errors)
    {
        var item = $"TLS option \"{name}\"";
        var min = Version(options.MinVersion, 12, item, "minVersion", options, errors);
        var max = Version(options.MaxVersion, 13, item, "maxVersion", options, errors);
        if (max < min)
        {
            errors.Add(new ConfigError(item, $"maxVersion {options.MaxVersion} is lower than minVersion {options.MinVersion}; using minVersion only", options.Location));
            max = min;
        }

        var protocols = SslProtocols.None;
        if (min <= 12 && max >= 12)
        {
            protocols |= SslProtocols.Tls12;
        }

        if (max >= 13)
        {
            protocols |= SslProtocols.Tls13;
        }

        var alpn = DefaultAlpn;
        if (options.AlpnProtocols is { } configured)
        {
            alpn = [];
            foreach (var protocol in configured)
            {
                // acme-tls/1 is Traefik's ACME TLS challenge, which Portico does not serve.
                if (!protocol.Equals("acme-tls/1", StringComparison.OrdinalIgnoreCase))
                {
                    alpn.Add(new SslApplicationProtocol(protocol));
                }
            }
        }

        if (options.CurvePreferences is { Count: > 0 })
        {
            errors.Add(new ConfigError(item, "curvePreferences is accepted, but .NET cannot restrict the key exchange curves; the platform's defaults apply", options.Location, ConfigSeverity.Warning));
        }

        var (ask, callback) = ClientAuth.Build(options.ClientAuth, item, options.Location, errors, out var clientAuthValid);
        var ciphers = CipherSuites(options.CipherSuites, item, options.Location, errors, out var ciphersValid);
        return new TlsHandshakeSettings(protocols, alpn, ask, callback, ciphers, !options.DisableSessionTickets, clientAuthValid && ciphersValid);
    }

    /// <summary>
    /// Traefik's names to a <see cref="CipherSuitesPolicy"/>. Go always enables the TLS 1.3 suites, so they are added when
    /// none is listed; listed TLS 1.3 suites restrict TLS 1.3 as well (Go ignores them).
    /// </summary>
    private static CipherSuitesPolicy? CipherSuites(IReadOnlyList<string>? names, string item, SourceLocation location, List<ConfigError> errors, out bool valid)
    {
        valid = true;
        if (names is not { Count: > 0 })
        {
            return null;
        }

        var suites = new List<TlsCipherSuite>(names.Count + CipherSuiteNames.Tls13.Length);
        foreach (var name in names)
        {
            if (!CipherSuiteNames.TryParse(name, out var suite))
            {
                errors.Add(new ConfigError(item, $"unknown cipher suite \"{name}\" in cipherSuites", location));
                valid = false;
            }
            else if (!suites.Contains(suite))
            {
                suites.Add(suite);
            }
        }

        if (!valid)
        {
            return null;
        }

        if (!suites.Exists(CipherSuiteNames.IsTls13))
        {
            suites.AddRange(CipherSuiteNames.Tls13);
        }

        if (OperatingSystem.IsWindows())
        {
            errors.Add(new ConfigError(item, "cipherSuites is accepted, but Windows cannot restrict cipher suites per connection; its defaults apply", location, ConfigSeverity.Warning));
            return null;
        }

        return new CipherSuitesPolicy(suites);
    }

    /// <summary>TLS 1.0 and 1.1 are disabled by modern platforms; they are raised to 1.2 with a warning.</summary>
    private static int Version(string? value, int fallback, string item, string option, TlsOptionsConfig options, List<ConfigError> errors)
    {
        switch (value)
        {
            case null or "":
                return fallback;
            case "VersionTLS12":
                return 12;
            case "VersionTLS13":
                return 13;
            case "VersionTLS10" or "VersionTLS11":
                errors.Add(new ConfigError(item, $"{option} {value} is not supported (TLS 1.0 and 1.1 are disabled); using VersionTLS12", options.Location, ConfigSeverity.Warning));
                return 12;
            default:
                errors.Add(new ConfigError(item, $"unknown {option} \"{value}\" (use VersionTLS12 or VersionTLS13)", options.Location));
                return fallback;
        }
    }
}
