using Portico.Configuration;

namespace Portico.Runtime;

/// <summary>Traefik's item statuses as shown by the API.</summary>
internal static class ItemStatus
{
    public const string Enabled = "enabled";
    public const string Disabled = "disabled";
    public const string Warning = "warning";
}

/// <summary>The state of every configured item after a build, for the API, logs and <c>portico check</c>.</summary>
internal sealed record RuntimeStatus
{
    public static readonly RuntimeStatus Empty = new();

    public IReadOnlyList<RouterInfo> Routers { get; init; } = [];

    public IReadOnlyList<ServiceInfo> Services { get; init; } = [];

    public IReadOnlyList<MiddlewareInfo> Middlewares { get; init; } = [];

    public IReadOnlyList<TcpRouterInfo> TcpRouters { get; init; } = [];

    public IReadOnlyList<ServiceInfo> TcpServices { get; init; } = [];

    public IReadOnlyList<UdpRouterInfo> UdpRouters { get; init; } = [];

    public IReadOnlyList<ServiceInfo> UdpServices { get; init; } = [];

    /// <summary>Problems that belong to no single item (files that do not parse, duplicate names across files).</summary>
    public IReadOnlyList<ConfigError> ProviderErrors { get; init; } = [];

    public IEnumerable<ConfigError> AllErrors =>
        ProviderErrors
            .Concat(Routers.SelectMany(r => r.Errors))
            .Concat(Services.SelectMany(s => s.Errors))
            .Concat(Middlewares.SelectMany(m => m.Errors))
            .Concat(TcpRouters.SelectMany(r => r.Errors))
            .Concat(TcpServices.SelectMany(s => s.Errors))
            .Concat(UdpRouters.SelectMany(r => r.Errors))
            .Concat(UdpServices.SelectMany(s => s.Errors));
}

internal sealed record RouterInfo
{
    public required string Name { get; init; }

    public required string Provider { get; init; }

    public string? Rule { get; init; }

    public string? RuleSyntax { get; init; }

    public int Priority { get; init; }

    public IReadOnlyList<string> EntryPoints { get; init; } = [];

    public IReadOnlyList<string> Middlewares { get; init; } = [];

    public string? Service { get; init; }

    public bool Tls { get; init; }

    /// <summary>The entry points on which the router answers TLS requests (and only those); cleartext on the others.</summary>
    public IReadOnlyList<string> TlsEntryPoints { get; init; } = [];

    /// <summary>The router's <c>tls.certResolver</c>, or the one of its entry point's <c>http.tls</c>; read by the ACME provider.</summary>
    public string? CertResolver { get; init; }

    /// <summary>The router's <c>tls.domains</c> (or its entry point's, with the resolver); when empty, the ACME provider uses <see cref="RuleHosts"/>.</summary>
    public IReadOnlyList<Configuration.Dynamic.TlsDomainConfig> TlsDomains { get; init; } = [];

    /// <summary>The exact host names the rule requires (from its <c>Host</c> matchers), or empty.</summary>
    public IReadOnlyList<string> RuleHosts { get; init; } = [];

    public Configuration.Parsing.SourceLocation Location { get; init; }

    public string Status { get; init; } = ItemStatus.Enabled;

    public IReadOnlyList<ConfigError> Errors { get; init; } = [];
}

internal sealed record ServiceInfo
{
    public required string Name { get; init; }

    public required string Provider { get; init; }

    public required string Type { get; init; }

    public string Status { get; init; } = ItemStatus.Enabled;

    public IReadOnlyList<ConfigError> Errors { get; init; } = [];

    public IReadOnlyList<string> UsedBy { get; init; } = [];

    public Configuration.Dynamic.ServiceConfig? Config { get; init; }

    /// <summary>The configuration of a TCP service (then <see cref="Config"/> is null).</summary>
    public Configuration.Dynamic.TcpServiceConfig? TcpConfig { get; init; }

    /// <summary>The configuration of a UDP service (then <see cref="Config"/> is null).</summary>
    public Configuration.Dynamic.UdpServiceConfig? UdpConfig { get; init; }
}

internal sealed record MiddlewareInfo
{
    public required string Name { get; init; }

    public required string Provider { get; init; }

    public string? Type { get; init; }

    public string Status { get; init; } = ItemStatus.Enabled;

    public IReadOnlyList<ConfigError> Errors { get; init; } = [];

    public IReadOnlyList<string> UsedBy { get; init; } = [];

    public Configuration.Parsing.ConfigNode? Config { get; init; }
}

internal sealed record TcpRouterInfo
{
    public required string Name { get; init; }

    public required string Provider { get; init; }

    public string? Rule { get; init; }

    public string? RuleSyntax { get; init; }

    public int Priority { get; init; }

    public IReadOnlyList<string> EntryPoints { get; init; } = [];

    public IReadOnlyList<string> Middlewares { get; init; } = [];

    public string? Service { get; init; }

    public Configuration.Dynamic.TcpRouterTlsConfig? Tls { get; init; }

    /// <summary>The names the rule's <c>HostSNI</c> matchers name (not <c>*</c>): the ACME domains when <c>tls.domains</c> is empty.</summary>
    public IReadOnlyList<string> ServerNames { get; init; } = [];

    public Configuration.Parsing.SourceLocation Location { get; init; }

    public string Status { get; init; } = ItemStatus.Enabled;

    public IReadOnlyList<ConfigError> Errors { get; init; } = [];
}

internal sealed record UdpRouterInfo
{
    public required string Name { get; init; }

    public required string Provider { get; init; }

    public IReadOnlyList<string> EntryPoints { get; init; } = [];

    public string? Service { get; init; }

    /// <summary>The entry points this router actually serves (Traefik uses one UDP router per entry point).</summary>
    public IReadOnlyList<string> Using { get; init; } = [];

    public Configuration.Parsing.SourceLocation Location { get; init; }

    public string Status { get; init; } = ItemStatus.Enabled;

    public IReadOnlyList<ConfigError> Errors { get; init; } = [];
}
