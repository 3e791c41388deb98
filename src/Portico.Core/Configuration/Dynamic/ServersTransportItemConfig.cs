using Portico.Configuration.Parsing;

namespace Portico.Configuration.Dynamic;

/// <summary><c>http.serversTransports.&lt;name&gt;</c>. TLS fields are accepted here and honoured by the TLS feature.</summary>
public sealed record ServersTransportItemConfig
{
    public string? ServerName { get; init; }

    public bool InsecureSkipVerify { get; init; }

    public IReadOnlyList<string> RootCAs { get; init; } = [];

    public ConfigNode? Certificates { get; init; }

    public IReadOnlyList<string> CipherSuites { get; init; } = [];

    public string? MinVersion { get; init; }

    public string? MaxVersion { get; init; }

    public int MaxIdleConnsPerHost { get; init; } = 200;

    public ForwardingTimeoutsConfig ForwardingTimeouts { get; init; } = new();

    public bool DisableHTTP2 { get; init; }

    public string? PeerCertURI { get; init; }

    public ConfigNode? PeerCertSANs { get; init; }

    public ConfigNode? Spiffe { get; init; }

    public SourceLocation Location { get; init; }
}

public sealed record ForwardingTimeoutsConfig
{
    public TimeSpan DialTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>0 means no limit.</summary>
    public TimeSpan ResponseHeaderTimeout { get; init; }

    public TimeSpan IdleConnTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public TimeSpan ReadIdleTimeout { get; init; }

    public TimeSpan PingTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
