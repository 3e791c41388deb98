namespace Portico.Middlewares.SourceCriterion;

/// <summary>Traefik <c>ipStrategy</c>: how the client IP is chosen among the socket peer and X-Forwarded-For.</summary>
internal sealed record IpStrategyOptions
{
    /// <summary>When positive, the n-th address from the right of X-Forwarded-For; <see cref="ExcludedIPs"/> is then ignored.</summary>
    public int Depth { get; init; }

    /// <summary>Addresses or CIDRs skipped when scanning X-Forwarded-For from the right.</summary>
    public IReadOnlyList<string> ExcludedIPs { get; init; } = [];

    /// <summary>Prefix length that IPv6 client addresses are reduced to (applies to the depth and socket strategies, as in Traefik).</summary>
    public int? IPv6Subnet { get; init; }
}
