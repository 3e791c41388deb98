using Portico.Configuration.Parsing;

namespace Portico.Configuration.Dynamic;

/// <summary>The dynamic <c>tls</c> section: certificates, named TLS options and certificate stores.</summary>
public sealed record TlsConfig
{
    public IReadOnlyList<CertificateConfig> Certificates { get; init; } = [];

    public IReadOnlyDictionary<string, TlsOptionsConfig> Options { get; init; } = new Dictionary<string, TlsOptionsConfig>();

    public IReadOnlyDictionary<string, TlsStoreConfig> Stores { get; init; } = new Dictionary<string, TlsStoreConfig>();

    public SourceLocation Location { get; init; }
}

/// <summary>A certificate and its key: each either a file path or inline PEM text, as Traefik allows.</summary>
public sealed record CertificateConfig
{
    public string? CertFile { get; init; }

    public string? KeyFile { get; init; }

    /// <summary>Stores the certificate goes into; empty means the <c>default</c> store.</summary>
    public IReadOnlyList<string> Stores { get; init; } = [];

    public SourceLocation Location { get; init; }
}

public sealed record TlsOptionsConfig
{
    /// <summary><c>VersionTLS10</c> to <c>VersionTLS13</c>; Traefik's default is <c>VersionTLS12</c>.</summary>
    public string? MinVersion { get; init; }

    public string? MaxVersion { get; init; }

    public IReadOnlyList<string>? CipherSuites { get; init; }

    public IReadOnlyList<string>? CurvePreferences { get; init; }

    public ClientAuthConfig? ClientAuth { get; init; }

    public bool SniStrict { get; init; }

    /// <summary>Null means Traefik's default: <c>h2</c>, <c>http/1.1</c>, <c>acme-tls/1</c>.</summary>
    public IReadOnlyList<string>? AlpnProtocols { get; init; }

    public bool DisableSessionTickets { get; init; }

    public SourceLocation Location { get; init; }
}

public sealed record ClientAuthConfig
{
    public IReadOnlyList<string> CaFiles { get; init; } = [];

    public string? ClientAuthType { get; init; }
}

public sealed record TlsStoreConfig
{
    public CertificateConfig? DefaultCertificate { get; init; }

    public ConfigNode? DefaultGeneratedCert { get; init; }

    public SourceLocation Location { get; init; }
}

/// <summary>A router's <c>tls</c> section; its presence (even <c>tls: {}</c>) makes the router a TLS router.</summary>
public sealed record RouterTlsConfig
{
    /// <summary>Name of the TLS options (<c>tls.options.&lt;name&gt;</c>); empty means <c>default</c>.</summary>
    public string? Options { get; init; }

    public string? CertResolver { get; init; }

    public IReadOnlyList<TlsDomainConfig> Domains { get; init; } = [];
}

public sealed record TlsDomainConfig
{
    public string? Main { get; init; }

    public IReadOnlyList<string> Sans { get; init; } = [];
}
