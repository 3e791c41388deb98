using Portico.Configuration.Parsing;

namespace Portico.Configuration.Static;

/// <summary>One entry of <c>certificatesResolvers</c>. Only <c>acme</c> exists in Traefik v3 (besides Tailscale).</summary>
public sealed record CertificatesResolverConfig
{
    public AcmeResolverConfig? Acme { get; init; }

    public ConfigNode? Tailscale { get; init; }
}

/// <summary><c>certificatesResolvers.&lt;name&gt;.acme</c> with Traefik's option names and defaults.</summary>
public sealed record AcmeResolverConfig
{
    public const string LetsEncryptProduction = "https://acme-v02.api.letsencrypt.org/directory";

    public string? Email { get; init; }

    public string CaServer { get; init; } = LetsEncryptProduction;

    public string Storage { get; init; } = "acme.json";

    /// <summary>EC256, EC384, RSA2048, RSA4096, RSA8192; Traefik's default is RSA4096.</summary>
    public string KeyType { get; init; } = "RSA4096";

    /// <summary>Hours; Traefik's default is 2160 (90 days).</summary>
    public int CertificatesDuration { get; init; } = 2160;

    public string? PreferredChain { get; init; }

    /// <summary>External Account Binding (RFC 8555 §7.3.4): the key id and base64url MAC key the CA handed out.</summary>
    public AcmeEabConfig? Eab { get; init; }

    public IReadOnlyList<string>? CaCertificates { get; init; }

    public bool CaSystemCertPool { get; init; }

    public string? CaServerName { get; init; }

    public AcmeHttpChallengeConfig? HttpChallenge { get; init; }

    public ConfigNode? TlsChallenge { get; init; }

    public ConfigNode? DnsChallenge { get; init; }

    /// <summary>Timeout of a whole request to the CA (Traefik v3.2+, default 2m).</summary>
    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long to wait for the CA's response headers (Traefik v3.2+, default 30s).</summary>
    public TimeSpan ClientResponseHeaderTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary><c>acme.eab</c>: External Account Binding credentials.</summary>
public sealed record AcmeEabConfig
{
    public string? Kid { get; init; }

    /// <summary>The MAC key, base64url (with or without padding).</summary>
    public string? HmacEncoded { get; init; }
}

public sealed record AcmeHttpChallengeConfig
{
    public string? EntryPoint { get; init; }

    public ConfigNode? Delay { get; init; }
}
