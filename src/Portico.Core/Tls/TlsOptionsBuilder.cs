using System.Net.Security;
using System.Security.Authentication;
using Portico.Configuration;
using Portico.Configuration.Dynamic;

namespace Portico.Tls;

/// <summary>Translates Traefik's <c>tls.options</c> into what <see cref="SslStream"/> takes.</summary>
internal static class TlsOptionsBuilder
{
    private static readonly List<SslApplicationProtocol> DefaultAlpn = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    public static (SslProtocols Protocols, List<SslApplicationProtocol> Alpn) Build(string name, TlsOptionsConfig options, List<ConfigError> errors)
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

        if (options.CipherSuites is { Count: > 0 } || options.CurvePreferences is { Count: > 0 } || options.ClientAuth is not null || options.DisableSessionTickets)
        {
            errors.Add(new ConfigError(item, "cipherSuites, curvePreferences, clientAuth and disableSessionTickets are accepted, not yet supported by this Portico version", options.Location, ConfigSeverity.Warning));
        }

        return (protocols, alpn);
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
