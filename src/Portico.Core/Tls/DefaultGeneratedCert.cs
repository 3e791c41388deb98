using System.Security.Cryptography.X509Certificates;
using Portico.Configuration;
using Portico.Configuration.Dynamic;
using Portico.Configuration.Parsing;

namespace Portico.Tls;

/// <summary>
/// <c>tls.stores.default.defaultGeneratedCert</c>: the store's default certificate is the one the certificate resolver
/// <see cref="Resolver"/> obtains for <see cref="Domains"/> (the ACME provider asks for it as if a router did); until
/// that certificate exists, the generated self-signed one is the default, as in Traefik.
/// </summary>
internal sealed record DefaultGeneratedCert(string Resolver, IReadOnlyList<string> Domains)
{
    /// <summary>Reads the section; a section without a resolver or a main domain is reported and ignored.</summary>
    public static DefaultGeneratedCert? Parse(ConfigNode? node, string item, SourceLocation location, List<ConfigError> errors)
    {
        if (node is null)
        {
            return null;
        }

        var config = ConfigBinder.Bind<DefaultGeneratedCertConfig>(node, item, errors);
        if (string.IsNullOrWhiteSpace(config?.Resolver) || string.IsNullOrWhiteSpace(config.Domain?.Main))
        {
            errors.Add(new ConfigError(item, "defaultGeneratedCert needs \"resolver\" and \"domain.main\"; the generated default certificate is used", location, ConfigSeverity.Warning));
            return null;
        }

        var domains = new[] { config.Domain.Main }.Concat(config.Domain.Sans)
            .Select(d => d.Trim().ToLowerInvariant())
            .Where(d => d.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        return new DefaultGeneratedCert(config.Resolver, domains);
    }

    /// <summary>The first certificate whose names cover every domain (exactly or by a one-label wildcard), or null.</summary>
    public X509Certificate2? FindCovering(IReadOnlyList<X509Certificate2> certificates)
    {
        foreach (var certificate in certificates)
        {
            var names = CertificateLoader.Names(certificate);
            if (Domains.All(domain => names.Any(name => Matches(name, domain))))
            {
                return certificate;
            }
        }

        return null;
    }

    private static bool Matches(string name, string domain)
    {
        if (string.Equals(name, domain, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var dot = domain.IndexOf('.', StringComparison.Ordinal);
        return name.StartsWith("*.", StringComparison.Ordinal) && dot > 0 && string.Equals(domain[(dot + 1)..], name[2..], StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>The bound <c>defaultGeneratedCert</c> section (Traefik's option names).</summary>
internal sealed record DefaultGeneratedCertConfig
{
    public string? Resolver { get; init; }

    public TlsDomainConfig? Domain { get; init; }
}
