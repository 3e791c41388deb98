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

    public AcmeDnsChallengeConfig? DnsChallenge { get; init; }

    /// <summary>Timeout of a whole request to the CA (Traefik v3.2+, default 2m).</summary>
    public TimeSpan ClientTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How long to wait for the CA's response headers (Traefik v3.2+, default 30s).</summary>
    public TimeSpan ClientResponseHeaderTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Portico extension (not in Traefik): on-demand TLS, see <see cref="AcmeOnDemandConfig"/>.</summary>
    public AcmeOnDemandConfig? OnDemand { get; init; }
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

/// <summary>
/// <c>acme.onDemand</c> (Portico extension, like Caddy's on_demand_tls): a certificate is obtained at the first handshake
/// for a server name no certificate covers, once <c>ask</c> approves it.
/// </summary>
public sealed record AcmeOnDemandConfig
{
    /// <summary>Required: <c>GET &lt;ask&gt;?domain=&lt;name&gt;</c> answering 2xx approves the name.</summary>
    public string? Ask { get; init; }

    public AcmeOnDemandRateLimitConfig RateLimit { get; init; } = new();

    /// <summary>How long a handshake waits for the certificate before the default certificate is served.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>At most <c>burst</c> orders at once, refilled at <c>burst</c> per <c>period</c>.</summary>
public sealed record AcmeOnDemandRateLimitConfig
{
    public int Burst { get; init; } = 10;

    public TimeSpan Period { get; init; } = TimeSpan.FromMinutes(1);
}
